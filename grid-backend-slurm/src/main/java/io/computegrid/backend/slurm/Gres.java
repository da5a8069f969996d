package io.computegrid.backend.slurm;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads GPU counts and types out of Slurm gres strings: {@code gpu:8}, {@code gpu:a100:4(S:0-1)}, {@code gpu:2(IDX:0-1),npu:0}. */
final class Gres {
    private static final Pattern ITEM = Pattern.compile("^([A-Za-z0-9_]+)(?::([A-Za-z0-9_.-]+))?:(\\d+)");

    private Gres() {
    }

    /** The total count of the named gres (all types summed); 0 when absent or unparsable. */
    static int count(String gres, String name) {
        int total = 0;
        for (String item : items(gres)) {
            Matcher m = ITEM.matcher(item);
            if (m.find() && m.group(1).equals(name)) {
                total += Integer.parseInt(m.group(3));
            }
        }
        return total;
    }

    /** The type of the first named gres ({@code a100} in {@code gpu:a100:4}), or null when untyped. */
    static String type(String gres, String name) {
        for (String item : items(gres)) {
            Matcher m = ITEM.matcher(item);
            if (m.find() && m.group(1).equals(name)) {
                return m.group(2);
            }
        }
        return null;
    }

    /** Items of a gres list; commas inside parentheses ({@code IDX:0,2}) do not split. */
    private static java.util.List<String> items(String gres) {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (gres == null) {
            return out;
        }
        int depth = 0;
        int start = 0;
        for (int i = 0; i < gres.length(); i++) {
            char c = gres.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(gres.substring(start, i).trim());
                start = i + 1;
            }
        }
        out.add(gres.substring(start).trim());
        return out;
    }
}
