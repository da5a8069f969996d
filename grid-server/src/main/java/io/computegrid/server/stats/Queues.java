package io.computegrid.server.stats;

import io.computegrid.scheduler.Reason;
import io.computegrid.server.api.Json;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongFunction;
import org.jdbi.v3.core.Jdbi;

/**
 * The queue as an operator reads it: pending jobs and the cards they ask for by tenant, by
 * requested centers and model, and by the scheduler's wait-reason code (the same reason explain
 * gives; a job the last cycle did not look at counts as {@code NOT_YET_CONSIDERED}), with the
 * oldest waits. Counts come from one grouped query; reasons from the scheduling loop's memory.
 */
public final class Queues {
    /** The code of a pending job the last scheduling cycle has not looked at yet. */
    public static final String NOT_CONSIDERED = "NOT_YET_CONSIDERED";
    private static final int OLDEST = 10;
    /** The requested models and centers of a spec, as the queue groups them ("any" when not restricted). */
    private static final String MODEL_SQL = """
            CASE jsonb_typeof(spec->'resources'->'accelerator')
              WHEN 'string' THEN spec->'resources'->>'accelerator'
              WHEN 'array' THEN (SELECT string_agg(COALESCE(e->>'model', e#>>'{}'), '|')
                                 FROM jsonb_array_elements(spec->'resources'->'accelerator') e)
              ELSE 'cpu' END""";
    private static final String CENTERS_SQL = """
            COALESCE((SELECT string_agg(c#>>'{}', '|') FROM jsonb_array_elements(
              CASE jsonb_typeof(spec->'centers') WHEN 'array' THEN spec->'centers' ELSE '[]'::jsonb END) c), 'any')""";
    /** Cards a spec asks for (tasks x count); count is a number, "0.5" or "500m" (thousandths). */
    private static final String CARDS_SQL = """
            (CASE WHEN jsonb_typeof(spec->'tasks') = 'number' THEN (spec->>'tasks')::numeric ELSE 1 END
             * CASE WHEN jsonb_typeof(spec->'resources'->'count') = 'number' THEN (spec->'resources'->>'count')::numeric
                    WHEN spec->'resources'->>'count' ~ '^ *[0-9]{1,9}([.][0-9]{1,3})? *$'
                      THEN trim(spec->'resources'->>'count')::numeric
                    WHEN spec->'resources'->>'count' ~ '^ *[0-9]{1,9}m *$'
                      THEN replace(trim(spec->'resources'->>'count'), 'm', '')::numeric / 1000
                    ELSE 0 END)""";

    private Queues() {
    }

    public static Map<String, Object> compute(Jdbi jdbi, LongFunction<Optional<Reason>> reasons, long nowMillis) {
        List<Map<String, Object>> byTenant = new ArrayList<>();
        List<Map<String, Object>> byModel = new ArrayList<>();
        List<Map<String, Object>> oldest = new ArrayList<>();
        Map<String, long[]> byCode = new TreeMap<>();
        Map<String, String[]> codeExample = new HashMap<>();
        long[] pending = {0};
        jdbi.useHandle(h -> {
            h.createQuery("SELECT tenant, count(*) AS jobs, sum(" + CARDS_SQL + ") AS cards, min(submitted_at) AS oldest "
                            + "FROM jobs WHERE state = 'PENDING' GROUP BY tenant ORDER BY count(*) DESC, tenant")
                    .map((rs, ctx) -> byTenant.add(Json.map("tenant", rs.getString("tenant"), "pending",
                            rs.getLong("jobs"), "cards", rs.getDouble("cards"), "oldestWaitSeconds",
                            waited(rs.getTimestamp("oldest"), nowMillis)))).list();
            h.createQuery("SELECT " + CENTERS_SQL + " AS centers, " + MODEL_SQL + " AS model, count(*) AS jobs, sum("
                            + CARDS_SQL + ") AS cards, min(submitted_at) AS oldest FROM jobs WHERE state = 'PENDING' "
                            + "GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2")
                    .map((rs, ctx) -> byModel.add(Json.map("centers", rs.getString("centers"), "accelerator",
                            rs.getString("model"), "pending", rs.getLong("jobs"), "cards", rs.getDouble("cards"),
                            "oldestWaitSeconds", waited(rs.getTimestamp("oldest"), nowMillis)))).list();
            h.createQuery("SELECT id FROM jobs WHERE state = 'PENDING'").setFetchSize(10_000).mapTo(Long.class)
                    .useStream(ids -> ids.forEach(id -> {
                        pending[0]++;
                        Optional<Reason> r = reasons.apply(id);
                        String code = r.map(Reason::code).orElse(NOT_CONSIDERED);
                        byCode.computeIfAbsent(code, k -> new long[1])[0]++;
                        r.ifPresent(x -> codeExample.putIfAbsent(code, new String[]{x.plugin(), x.message()}));
                    }));
            h.createQuery("SELECT id, name, tenant, submitted_at, " + MODEL_SQL + " AS model, " + CARDS_SQL
                            + " AS cards FROM jobs WHERE state = 'PENDING' ORDER BY submitted_at, id LIMIT " + OLDEST)
                    .map((rs, ctx) -> {
                        long id = rs.getLong("id");
                        Map<String, Object> m = Json.map("id", id, "name", rs.getString("name"), "tenant",
                                rs.getString("tenant"), "accelerator", rs.getString("model"), "cards",
                                rs.getDouble("cards"), "submittedAt", rs.getTimestamp("submitted_at").toInstant()
                                        .toString(), "waitSeconds", waited(rs.getTimestamp("submitted_at"), nowMillis));
                        Optional<Reason> r = reasons.apply(id);
                        m.put("code", r.map(Reason::code).orElse(NOT_CONSIDERED));
                        m.put("reason", r.map(Reason::message).orElse("not yet looked at by a scheduling cycle"));
                        return oldest.add(m);
                    }).list();
        });
        List<Map<String, Object>> reasonRows = new ArrayList<>();
        byCode.entrySet().stream().sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -e.getValue()[0])
                .thenComparing(Map.Entry::getKey)).forEach(e -> {
                    String[] ex = codeExample.get(e.getKey());
                    reasonRows.add(Json.map("code", e.getKey(), "plugin", ex == null ? null : ex[0], "pending",
                            e.getValue()[0], "example", ex == null ? null : ex[1]));
                });
        long oldestWait = oldest.isEmpty() ? 0 : (long) oldest.get(0).get("waitSeconds");
        return Json.map("pending", pending[0], "oldestWaitSeconds", oldestWait, "byTenant", byTenant,
                "byModel", byModel, "byReason", reasonRows, "oldest", oldest);
    }

    private static long waited(Timestamp since, long nowMillis) {
        return since == null ? 0 : Math.max(0, (nowMillis - since.getTime()) / 1000);
    }
}
