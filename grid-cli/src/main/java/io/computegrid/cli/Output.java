package io.computegrid.cli;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Prints JSON documents and plain aligned tables. */
public final class Output {
    private Output() {
    }

    public static void json(Object doc) {
        System.out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
    }

    public static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return "-";
        }
        // numbers as people write them: 0.000018, not 1.8E-5
        return v.isFloatingPointNumber() ? v.decimalValue().stripTrailingZeros().toPlainString() : v.asString();
    }

    /** A table with a header row; columns padded to their widest cell. */
    public static void table(List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        int[] w = new int[header.size()];
        for (List<String> r : all) {
            for (int i = 0; i < r.size(); i++) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (List<String> r : all) {
            for (int i = 0; i < r.size(); i++) {
                b.append(i == r.size() - 1 ? r.get(i) : String.format("%-" + (w[i] + 2) + "s", r.get(i)));
            }
            b.append('\n');
        }
        System.out.print(b);
    }
}
