package io.computegrid.server.stats;

import io.computegrid.metering.MeteringException;
import io.computegrid.metering.price.Instants;
import io.computegrid.server.api.ApiException;
import io.computegrid.server.api.Json;
import io.computegrid.spec.Quantities;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The time axis of a stats series: {@code [from, to)} cut into buckets of {@code step}, with from
 * rounded down and to rounded up to a multiple of the step (UTC, so daily buckets start at
 * midnight). At most {@link #MAX_POINTS} buckets, so every answer is small whatever is asked.
 */
public record TimeRange(Instant from, Instant to, long stepMillis) {
    public static final int MAX_POINTS = 1000;
    static final Duration MIN_STEP = Duration.ofSeconds(10);
    static final Duration MAX_SPAN = Duration.ofDays(400);
    /** Steps chosen when none is given: the smallest that keeps the series at or under 200 points. */
    private static final long[] NICE_STEPS = {60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400,
            7 * 86400};

    /**
     * Parses {@code from}, {@code to} (dates or ISO instants; a date alone as {@code to} means the
     * end of that day) and {@code step} (seconds or 90s/5m/1h/1d). Defaults: to now, from a day
     * (or {@code defaultSpan}) earlier, a step giving at most 200 points.
     */
    public static TimeRange parse(String fromText, String toText, String stepText, Instant now, Duration defaultSpan) {
        Instant to = instant(toText, "to", now);
        if (toText != null && toText.trim().length() == 10) {
            to = to.plus(Duration.ofDays(1));
        }
        Instant given = instant(fromText, "from", null);
        Instant from = given == null ? to.minus(defaultSpan) : given;
        if (!from.isBefore(to)) {
            throw ApiException.badRequest("from: must be before to (" + from + " is not before " + to + ")");
        }
        if (Duration.between(from, to).compareTo(MAX_SPAN) > 0) {
            throw ApiException.badRequest("from: the range may span at most " + MAX_SPAN.toDays() + " days");
        }
        long span = Duration.between(from, to).toMillis();
        long step = stepText == null || stepText.isBlank() ? niceStep(span) : step(stepText);
        long t = -Math.floorDiv(-to.toEpochMilli(), step) * step;
        // without a from, the default span ends at the rounded end: exactly span / step whole buckets
        long f = Math.floorDiv(given == null ? t - defaultSpan.toMillis() : from.toEpochMilli(), step) * step;
        long points = (t - f) / step;
        if (points > MAX_POINTS) {
            throw ApiException.badRequest("step: " + stepText + " cuts this range into " + points
                    + " points; at most " + MAX_POINTS + " (choose a larger step or a shorter range)");
        }
        return new TimeRange(Instant.ofEpochMilli(f), Instant.ofEpochMilli(t), step);
    }

    private static Instant instant(String text, String field, Instant fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Instants.parse(text, field);
        } catch (MeteringException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static long step(String text) {
        String s = text.trim();
        Duration d;
        try {
            d = Quantities.duration(s.chars().allMatch(Character::isDigit) && !s.isEmpty() && s.length() < 10
                    ? Json.MAPPER.getNodeFactory().numberNode(Long.parseLong(s))
                    : Json.MAPPER.getNodeFactory().stringNode(s), "step");
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (d.compareTo(MIN_STEP) < 0) {
            throw ApiException.badRequest("step: must be at least " + MIN_STEP.toSeconds() + " seconds");
        }
        return d.toMillis();
    }

    private static long niceStep(long spanMillis) {
        for (long s : NICE_STEPS) {
            if (spanMillis / (s * 1000) <= 200) {
                return s * 1000;
            }
        }
        return NICE_STEPS[NICE_STEPS.length - 1] * 1000;
    }

    public int points() {
        return (int) ((to.toEpochMilli() - from.toEpochMilli()) / stepMillis);
    }

    /** The bucket an instant falls in, or -1 outside the range. */
    public int bucket(long epochMillis) {
        if (epochMillis < from.toEpochMilli() || epochMillis >= to.toEpochMilli()) {
            return -1;
        }
        return (int) ((epochMillis - from.toEpochMilli()) / stepMillis);
    }

    public long bucketStart(int i) {
        return from.toEpochMilli() + i * stepMillis;
    }

    /** Bucket starts as ISO instants: the x axis of every series. */
    public List<String> times() {
        List<String> out = new ArrayList<>(points());
        for (int i = 0; i < points(); i++) {
            out.add(Instant.ofEpochMilli(bucketStart(i)).toString());
        }
        return out;
    }
}
