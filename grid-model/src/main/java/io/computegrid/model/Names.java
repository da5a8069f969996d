package io.computegrid.model;

import java.util.regex.Pattern;

/**
 * Names of centers, pools, tenants, models and jobs: they become parts of file paths, metric
 * labels and backend job names, so they are restricted to a safe alphabet (no path separators,
 * no shell metacharacters).
 */
public final class Names {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private Names() {
    }

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches() && !name.contains("..");
    }

    public static String requireValid(String name, String what) {
        if (!isValid(name)) {
            throw new IllegalArgumentException(what + " name '" + printable(name)
                    + "' is invalid: use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return t.replaceAll("[\\p{Cntrl}]", "?");
    }
}
