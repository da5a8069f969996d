package io.computegrid.spec;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Strict access to one object of a document: every read names its field path, and
 * {@link #rejectUnknown} names fields nobody asked for.
 */
public final class Fields {
    private final JsonNode node;
    private final String path;

    public Fields(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new SpecException(path, "must be an object");
        }
        this.node = node;
        this.path = path;
    }

    public String path(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    public void rejectUnknown(Set<String> known) {
        for (String name : node.propertyNames()) {
            if (!known.contains(name)) {
                throw new SpecException(path(name), "unknown field (known: " + String.join(", ", known) + ")");
            }
        }
    }

    public boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    public JsonNode raw(String field) {
        return node.get(field);
    }

    public String string(String field, String fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isString() && !v.isNumber() && !v.isBoolean()) {
            throw new SpecException(path(field), "must be a string");
        }
        return v.asString();
    }

    public String requiredString(String field) {
        String s = string(field, null);
        if (s == null || s.isBlank()) {
            throw new SpecException(path(field), "is required");
        }
        return s;
    }

    public long integer(String field, long fallback, long min, long max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        boolean whole = v.isIntegralNumber() || (v.isString() && v.asString().trim().matches("-?\\d{1,40}"));
        if (!whole && !v.isNumber()) {
            throw new SpecException(path(field), "must be a whole number");
        }
        BigDecimal d = decimalOf(v, path(field)); // out of range (1e400) is said as such, before "whole"
        if (!whole) {
            throw new SpecException(path(field), "must be a whole number");
        }
        if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new SpecException(path(field), "must be between " + min + " and " + max + " (got " + d + ")");
        }
        return d.longValueExact();
    }

    /** Numbers past this many digits either side of the point are refused before any arithmetic (1e400, 1e-400). */
    public static final int MAX_DIGITS = 30;

    /**
     * Any number of a document (a JSON/YAML number or a numeric string) as an exact decimal, or a 400-worthy
     * {@link SpecException} naming {@code path}: not a number, not finite (YAML's .inf, .nan), beyond
     * {@value #MAX_DIGITS} digits before the point (1e400, 99...9) or after it (1e-400).
     */
    public static BigDecimal decimalOf(JsonNode v, String path) {
        BigDecimal d;
        try {
            if ((v.isDouble() || v.isFloat()) && !Double.isFinite(v.doubleValue())) {
                throw new SpecException(path, "must be a finite number");
            } else if (v.isIntegralNumber()) {
                d = new BigDecimal(v.bigIntegerValue());
            } else if (v.isNumber()) {
                d = v.decimalValue();
            } else if (v.isString() && v.asString().trim().length() <= 2 * MAX_DIGITS + 2) {
                d = new BigDecimal(v.asString().trim());
            } else {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw new SpecException(path, "must be a number");
        }
        if (d.signum() != 0 && d.precision() - d.scale() > MAX_DIGITS) {
            throw new SpecException(path, "is out of range (got " + clip(d) + ")");
        }
        if (d.scale() > MAX_DIGITS) {
            throw new SpecException(path, "has more than " + MAX_DIGITS + " decimal places (got " + clip(d) + ")");
        }
        return d;
    }

    private static String clip(BigDecimal d) {
        String s = d.toString(); // scientific for extreme exponents: never the 400 digits of toPlainString
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }

    public BigDecimal decimal(String field, BigDecimal fallback, BigDecimal min, BigDecimal max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        BigDecimal d = decimalOf(v, path(field));
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new SpecException(path(field), "must be between " + min.toPlainString() + " and "
                    + max.toPlainString() + " (got " + d.toPlainString() + ")");
        }
        return d;
    }

    public double number(String field, double fallback, double min, double max) {
        return decimal(field, BigDecimal.valueOf(fallback), BigDecimal.valueOf(min), BigDecimal.valueOf(max))
                .doubleValue();
    }

    public boolean bool(String field, boolean fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new SpecException(path(field), "must be true or false");
        }
        return v.booleanValue();
    }

    public List<String> strings(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new SpecException(path(field), "must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isString()) {
                throw new SpecException(path(field) + "[" + i + "]", "must be a string");
            }
            out.add(e.asString());
        }
        return out;
    }

    /** This object itself as a map of strings (for free-form settings). */
    public Map<String, String> asStringMap() {
        return toStringMap(node, path);
    }

    public Map<String, String> stringMap(String field) {
        return toStringMap(node.get(field), path(field));
    }

    private static Map<String, String> toStringMap(JsonNode v, String where) {
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw new SpecException(where, "must be a map of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            JsonNode x = e.getValue();
            if (!(x.isString() || x.isNumber() || x.isBoolean())) {
                throw new SpecException(where + "." + e.getKey(), "must be a string");
            }
            out.put(e.getKey(), x.asString());
        }
        return out;
    }

    public List<Fields> objects(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new SpecException(path(field), "must be a list");
        }
        List<Fields> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(new Fields(v.get(i), path(field) + "[" + i + "]"));
        }
        return out;
    }

    public Fields object(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return new Fields(v, path(field));
    }

    /** Runs a constructor that validates, turning its IllegalArgumentException into one naming this object. */
    public <T> T build(java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (SpecException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new SpecException(path, e.getMessage());
        }
    }
}
