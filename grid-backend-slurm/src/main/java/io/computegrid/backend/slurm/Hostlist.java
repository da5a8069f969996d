package io.computegrid.backend.slurm;

import java.util.ArrayList;
import java.util.List;

/** Expands Slurm host lists such as {@code hpcn[1-3,7],login01} into names, keeping zero padding. */
final class Hostlist {
    private Hostlist() {
    }

    static List<String> expand(String list) {
        List<String> out = new ArrayList<>();
        if (list == null || list.isBlank() || "(null)".equals(list)) {
            return out;
        }
        for (String item : splitTop(list)) {
            int open = item.indexOf('[');
            if (open < 0) {
                out.add(item);
                continue;
            }
            int close = item.indexOf(']', open);
            if (close < 0) {
                throw new IllegalArgumentException("unbalanced host list: " + list);
            }
            String prefix = item.substring(0, open);
            String suffix = item.substring(close + 1);
            for (String range : item.substring(open + 1, close).split(",")) {
                int dash = range.indexOf('-');
                if (dash < 0) {
                    out.addAll(expand(prefix + range + suffix));
                    continue;
                }
                String lo = range.substring(0, dash);
                String hi = range.substring(dash + 1);
                int width = lo.length();
                for (long i = Long.parseLong(lo); i <= Long.parseLong(hi); i++) {
                    out.addAll(expand(prefix + String.format("%0" + width + "d", i) + suffix));
                }
            }
        }
        return out;
    }

    /** Splits on commas outside brackets. */
    private static List<String> splitTop(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        parts.removeIf(String::isBlank);
        return parts;
    }
}
