package io.computegrid.cli.serving;

/**
 * Just enough JSON for the demo replica (so it starts without loading a JSON library): read one top-level
 * string field of an object, and quote a string.
 */
final class MiniJson {
    private MiniJson() {
    }

    /** The top-level string field {@code key} of a JSON object, "" when absent; null when the text is no object. */
    static String stringField(String json, String key) {
        int i = skipSpace(json, 0);
        if (i >= json.length() || json.charAt(i) != '{') {
            return null;
        }
        int depth = 0;
        String pendingKey = null;
        boolean expectKey = false;
        for (; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '{' || c == '[') {
                depth++;
                expectKey = c == '{' && depth == 1;
            } else if (c == '}' || c == ']') {
                depth--;
            } else if (c == ',' && depth == 1) {
                expectKey = true;
            } else if (c == '"') {
                StringBuilder b = new StringBuilder();
                i = readString(json, i, b);
                if (i < 0) {
                    return null;
                }
                if (depth == 1 && expectKey) {
                    pendingKey = b.toString();
                    expectKey = false;
                } else if (depth == 1 && key.equals(pendingKey)) {
                    return b.toString();
                }
            } else if (c == ':' && depth == 1) {
                continue;
            } else if (!Character.isWhitespace(c) && depth == 1) {
                pendingKey = null; // a non-string value
            }
        }
        return depth == 0 ? "" : null;
    }

    /** Reads the string starting at the quote at {@code at}; returns the index of its closing quote, -1 if open. */
    private static int readString(String s, int at, StringBuilder out) {
        for (int i = at + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                return i;
            }
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (i + 4 >= s.length()) {
                            return -1;
                        }
                        out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> out.append(e);
                }
            } else {
                out.append(c);
            }
        }
        return -1;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** A JSON string literal. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
