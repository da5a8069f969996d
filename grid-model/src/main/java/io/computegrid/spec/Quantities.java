package io.computegrid.spec;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** Parses the quantities of job specs: durations ("10m", "1h30m", 90), memory ("1Gi", "512Mi"), cards and CPUs. */
public final class Quantities {
    private static final Pattern DURATION_PART = Pattern.compile("(\\d{1,9})(ms|d|h|m|s)");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9}(ms|d|h|m|s)){1,5}");
    private static final Pattern MEMORY = Pattern.compile("(\\d{1,12}(?:\\.\\d{1,6})?)\\s*(Ki|Mi|Gi|Ti|K|M|G|T|k)?");

    private Quantities() {
    }

    public static Duration duration(JsonNode v, String field) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            long s = v.canConvertToLong() ? v.longValue() : -1;
            if (s <= 0 || s > 365L * 86400) {
                throw new SpecException(field, "must be between 1 second and 365 days");
            }
            return Duration.ofSeconds(s);
        }
        if (!v.isString()) {
            throw new SpecException(field, "must be a duration such as 90s, 10m, 2h or 1d");
        }
        String s = v.asString().trim();
        if (!DURATION.matcher(s).matches()) {
            throw new SpecException(field, "'" + clip(s) + "' is not a duration such as 90s, 10m, 2h or 1d");
        }
        Duration d = Duration.ZERO;
        Matcher m = DURATION_PART.matcher(s);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
        }
        if (d.isZero() || d.compareTo(Duration.ofDays(365)) > 0) {
            throw new SpecException(field, "must be between 1 second and 365 days");
        }
        return d;
    }

    /** Memory in MiB. A bare number means bytes, as in Kubernetes. */
    public static long memoryMiB(JsonNode v, String field) {
        if (v == null || v.isNull()) {
            return 1024;
        }
        BigDecimal mib = bytes(v, field).divide(BigDecimal.valueOf(1024L * 1024), 0, java.math.RoundingMode.CEILING);
        if (mib.compareTo(BigDecimal.valueOf(64L * 1024 * 1024)) > 0) {
            throw new SpecException(field, "is larger than 64Ti");
        }
        return mib.longValue();
    }

    /** A size in bytes ("4Mi", "512Ki", a bare number of bytes), at most {@code max}; {@code fallback} when absent. */
    public static long bytes(JsonNode v, String field, long fallback, long max) {
        if (v == null || v.isNull()) {
            return fallback;
        }
        BigDecimal b = bytes(v, field).setScale(0, java.math.RoundingMode.CEILING);
        if (b.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new SpecException(field, "must be at most " + max + " bytes");
        }
        return b.longValue();
    }

    private static BigDecimal bytes(JsonNode v, String field) {
        String s = v.isNumber() ? v.asString() : v.isString() ? v.asString().trim() : null;
        if (s == null) {
            throw new SpecException(field, "must be a quantity such as 512Mi or 4Gi");
        }
        Matcher m = MEMORY.matcher(s);
        if (!m.matches()) {
            throw new SpecException(field, "'" + clip(s) + "' is not a quantity such as 512Mi or 4Gi");
        }
        BigDecimal n = new BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return n.multiply(BigDecimal.valueOf(switch (unit) {
            case "Ki" -> 1024L;
            case "Mi" -> 1024L * 1024;
            case "Gi" -> 1024L * 1024 * 1024;
            case "Ti" -> 1024L * 1024 * 1024 * 1024;
            case "K", "k" -> 1000L;
            case "M" -> 1000L * 1000;
            case "G" -> 1000L * 1000 * 1000;
            case "T" -> 1000L * 1000 * 1000 * 1000;
            default -> 1L;
        }));
    }

    /** A count of cards or cores, possibly fractional, in thousandths. */
    public static int milli(JsonNode v, String field, int fallback, int maxWhole) {
        if (v == null || v.isNull()) {
            return fallback;
        }
        BigDecimal d;
        if (v.isString() && v.asString().trim().endsWith("m")) {
            String milli = v.asString().trim();
            d = Fields.decimalOf(Documents.json().getNodeFactory().stringNode(milli.substring(0, milli.length() - 1)), field)
                    .movePointLeft(3);
        } else {
            d = Fields.decimalOf(v, field);
        }
        if (d.signum() < 0) {
            throw new SpecException(field, "must not be negative");
        }
        if (d.compareTo(BigDecimal.valueOf(maxWhole)) > 0) {
            throw new SpecException(field, "must be at most " + maxWhole);
        }
        BigDecimal milli = d.movePointRight(3);
        if (milli.stripTrailingZeros().scale() > 0) {
            throw new SpecException(field, "has more precision than a thousandth");
        }
        return milli.intValueExact();
    }

    static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
