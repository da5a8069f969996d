package io.computegrid.server.stats;

import io.computegrid.model.AcceleratorCatalog;
import io.computegrid.server.api.Json;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Allocated cards and P (rated FP16 PFLOPS) against capacity over time, per center and model.
 * Each bucket holds the time-weighted average of the cards tasks held in it, from the tasks' held
 * intervals ({@code started_at} to {@code finished_at}, or now while running): one pass over the
 * tasks that overlap the range, each adding its card-milliseconds to the buckets it covers (a
 * difference array for the whole buckets in between), so the cost is tasks + points, never
 * tasks x points. Capacity is today's schedulable capacity (nodes keep no history).
 */
public final class Utilisation {
    private Utilisation() {
    }

    private static final class Series {
        final String center;
        final String model;
        double capacityCards;
        final double[] cardMillis;
        final double[] wholeBuckets; // difference array: cards held for whole buckets

        Series(String center, String model, int points) {
            this.center = center;
            this.model = model;
            this.cardMillis = new double[points];
            this.wholeBuckets = new double[points + 1];
        }
    }

    public static Map<String, Object> compute(Jdbi jdbi, AcceleratorCatalog catalog, TimeRange range, String center,
                                              long nowMillis) {
        int n = range.points();
        Map<String, Series> series = new TreeMap<>();
        jdbi.useHandle(h -> {
            h.createQuery("""
                    SELECT center, accelerator, sum(cards) FILTER (WHERE schedulable) AS cards FROM nodes
                    WHERE (CAST(:c AS text) IS NULL OR center = :c) GROUP BY center, accelerator""")
                    .bind("c", center)
                    .map((rs, ctx) -> {
                        series(series, rs.getString(1), rs.getString(2), n).capacityCards = rs.getDouble(3);
                        return 0;
                    }).list();
            // tasks holding cards at some time in the range; CPU-only tasks (no cards) hold nothing here
            h.createQuery("""
                    SELECT COALESCE(n.center, j.center) AS center, COALESCE(n.accelerator, j.accelerator) AS model,
                           cardinality(string_to_array(t.cards, ',')) * t.milli_per_card / 1000.0 AS held,
                           t.started_at, t.finished_at
                    FROM tasks t JOIN jobs j ON j.id = t.job_id LEFT JOIN nodes n ON n.name = t.node
                    WHERE t.started_at IS NOT NULL AND t.started_at < :to
                      AND (t.finished_at IS NULL OR t.finished_at > :from) AND t.cards <> ''
                      AND (CAST(:c AS text) IS NULL OR COALESCE(n.center, j.center) = :c)""")
                    .bind("from", Timestamp.from(range.from())).bind("to", Timestamp.from(range.to()))
                    .bind("c", center).setFetchSize(5000)
                    .map((rs, ctx) -> {
                        Timestamp end = rs.getTimestamp("finished_at");
                        add(series(series, rs.getString("center"), rs.getString("model"), n), range,
                                rs.getDouble("held"), rs.getTimestamp("started_at").getTime(),
                                end == null ? nowMillis : end.getTime());
                        return 0;
                    }).list();
        });
        List<Map<String, Object>> out = new ArrayList<>();
        for (Series s : series.values()) {
            double pflopsPerCard = catalog.find(s.model).map(a -> a.fp16Tflops() / 1000.0).orElse(0.0);
            List<Double> cards = averages(s, range, nowMillis);
            List<Double> pflops = new ArrayList<>(cards.size());
            for (Double c : cards) {
                pflops.add(c == null ? null : round(c * pflopsPerCard));
            }
            out.add(Json.map("center", s.center, "accelerator", s.model, "capacityCards", s.capacityCards,
                    "capacityPflops", round(s.capacityCards * pflopsPerCard), "allocatedCards", cards,
                    "allocatedPflops", pflops, "peakCards", cards.stream().filter(x -> x != null)
                            .mapToDouble(Double::doubleValue).max().orElse(0)));
        }
        return Json.map("from", range.from().toString(), "to", range.to().toString(),
                "stepSeconds", range.stepMillis() / 1000, "times", range.times(), "series", out);
    }

    private static Series series(Map<String, Series> all, String center, String model, int points) {
        return all.computeIfAbsent(center + "\u0000" + model, k -> new Series(center, model, points));
    }

    /** Adds {@code cards} held over [start, end) to the buckets it overlaps. */
    static void add(Series s, TimeRange r, double cards, long start, long end) {
        long from = Math.max(start, r.from().toEpochMilli());
        long to = Math.min(end, r.to().toEpochMilli());
        if (to <= from) {
            return;
        }
        long step = r.stepMillis();
        int b0 = r.bucket(from);
        int b1 = r.bucket(to - 1);
        if (b0 == b1) {
            s.cardMillis[b0] += cards * (to - from);
            return;
        }
        s.cardMillis[b0] += cards * (r.bucketStart(b0) + step - from);
        s.cardMillis[b1] += cards * (to - r.bucketStart(b1));
        s.wholeBuckets[b0 + 1] += cards;
        s.wholeBuckets[b1] -= cards;
    }

    /** Average cards per bucket; the bucket holding now is averaged over its elapsed part, later ones are null. */
    private static List<Double> averages(Series s, TimeRange r, long nowMillis) {
        List<Double> out = new ArrayList<>(s.cardMillis.length);
        double whole = 0;
        for (int i = 0; i < s.cardMillis.length; i++) {
            whole += s.wholeBuckets[i];
            long start = r.bucketStart(i);
            if (start >= nowMillis) {
                out.add(null);
                continue;
            }
            long elapsed = Math.min(r.stepMillis(), nowMillis - start);
            double held = s.cardMillis[i] + whole * r.stepMillis();
            out.add(round(held / elapsed));
        }
        return out;
    }

    static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
