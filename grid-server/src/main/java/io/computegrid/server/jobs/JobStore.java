package io.computegrid.server.jobs;

import io.computegrid.model.JobSpec;
import io.computegrid.model.JobState;
import io.computegrid.server.api.Json;
import io.computegrid.spec.JobSpecParser;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.databind.JsonNode;

/** SQL for jobs and their tasks: the one place that knows the jobs tables. */
public final class JobStore {
    private final Jdbi jdbi;
    private final JobSpecParser parser;
    private volatile java.util.function.LongFunction<Optional<io.computegrid.scheduler.Reason>> waitReasons =
            id -> Optional.empty();

    public JobStore(Jdbi jdbi, JobSpecParser parser) {
        this.jdbi = jdbi;
        this.parser = parser;
    }

    /** Where the current wait reason of a pending job comes from (the scheduling loop's last plan). */
    public void waitReasons(java.util.function.LongFunction<Optional<io.computegrid.scheduler.Reason>> f) {
        this.waitReasons = f;
    }

    public Optional<io.computegrid.scheduler.Reason> waitReason(long id) {
        return waitReasons.apply(id);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** Inserts a new PENDING job; returns its id. */
    public long insert(Handle h, JobSpec spec, JsonNode specDoc, String tenant, String priorityClass, int priority) {
        return h.createUpdate("""
                        INSERT INTO jobs(tenant, name, spec, state, priority_class, priority)
                        VALUES (:t, :n, CAST(:s AS jsonb), 'PENDING', :pc, :p)""")
                .bind("t", tenant).bind("n", spec.name()).bind("s", Json.MAPPER.writeValueAsString(specDoc))
                .bind("pc", priorityClass).bind("p", priority)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /** The job's spec as submitted (re-parsed from the stored document, which passed validation once). */
    public JobSpec spec(String json) {
        return parser.parse(Json.MAPPER.readTree(json));
    }

    public Optional<JobRow> find(Handle h, long id, boolean forUpdate) {
        return h.createQuery("SELECT * FROM jobs WHERE id = :id" + (forUpdate ? " FOR UPDATE" : ""))
                .bind("id", id).map((rs, ctx) -> JobRow.of(rs)).findOne();
    }

    public Optional<JobRow> find(long id) {
        return jdbi.withHandle(h -> find(h, id, false));
    }

    public List<TaskRow> tasks(Handle h, long jobId, int attempt) {
        return h.createQuery("SELECT * FROM tasks WHERE job_id = :j AND attempt = :a ORDER BY idx")
                .bind("j", jobId).bind("a", attempt).map((rs, ctx) -> TaskRow.of(rs)).list();
    }

    /** Frees every card the job holds. */
    public void releaseCards(Handle h, long jobId) {
        h.createUpdate("DELETE FROM card_allocations WHERE job_id = :j").bind("j", jobId).execute();
    }

    /** Why the job was cancelled, as its stop was asked ("cancelled by token 3", "stopped at its budget cap: ..."). */
    public String stopReason(Handle h, long jobId) {
        return h.createQuery("SELECT message FROM events WHERE job_id = :j AND type = 'STOPPING' ORDER BY id DESC LIMIT 1")
                .bind("j", jobId).mapTo(String.class).findOne().orElse("cancelled");
    }

    /** Jobs visible to a caller, newest first, with keyset pagination on id. */
    public List<JobRow> list(String tenant, JobState state, String name, Long before, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM jobs WHERE TRUE");
        if (tenant != null) {
            sql.append(" AND tenant = :tenant");
        }
        if (state != null) {
            sql.append(" AND state = :state");
        }
        if (name != null) {
            sql.append(" AND name = :name");
        }
        if (before != null) {
            sql.append(" AND id < :before");
        }
        sql.append(" ORDER BY id DESC LIMIT :limit");
        return jdbi.withHandle(h -> {
            var q = h.createQuery(sql.toString()).bind("limit", limit);
            if (tenant != null) {
                q.bind("tenant", tenant);
            }
            if (state != null) {
                q.bind("state", state.name());
            }
            if (name != null) {
                q.bind("name", name);
            }
            if (before != null) {
                q.bind("before", before);
            }
            return q.map((rs, ctx) -> JobRow.of(rs)).list();
        });
    }

    public List<Map<String, Object>> events(long jobId, int limit) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, at, type, message FROM events WHERE job_id = :j ORDER BY id LIMIT :l")
                .bind("j", jobId).bind("l", limit)
                .map((rs, ctx) -> Json.map("id", rs.getLong("id"), "at", rs.getTimestamp("at").toInstant().toString(),
                        "type", rs.getString("type"), "message", rs.getString("message")))
                .list());
    }

    /** The API's view of a job (tasks of its current attempt included). */
    public Map<String, Object> view(JobRow j) {
        List<TaskRow> tasks = j.attempt() == 0 ? List.of() : jdbi.withHandle(h -> tasks(h, j.id(), j.attempt()));
        return viewWithWait(j, tasks);
    }

    /**
     * Views of a page of jobs with the tasks of all of them read in one query (one query per job made
     * a page of 500 cost 500 round trips).
     */
    public List<Map<String, Object>> views(List<JobRow> rows) {
        List<Long> ids = new ArrayList<>();
        List<Integer> attempts = new ArrayList<>();
        for (JobRow j : rows) {
            if (j.attempt() > 0) {
                ids.add(j.id());
                attempts.add(j.attempt());
            }
        }
        Map<Long, List<TaskRow>> tasks = new java.util.HashMap<>();
        if (!ids.isEmpty()) {
            jdbi.useHandle(h -> h.createQuery("""
                            SELECT t.* FROM unnest(:ids, :attempts) AS k(job_id, attempt)
                            JOIN tasks t ON t.job_id = k.job_id AND t.attempt = k.attempt ORDER BY t.job_id, t.idx""")
                    .bindArray("ids", Long.class, ids).bindArray("attempts", Integer.class, attempts)
                    .map((rs, ctx) -> TaskRow.of(rs))
                    .forEach(t -> tasks.computeIfAbsent(t.jobId(), k -> new ArrayList<>()).add(t)));
        }
        List<Map<String, Object>> out = new ArrayList<>(rows.size());
        for (JobRow j : rows) {
            out.add(viewWithWait(j, tasks.getOrDefault(j.id(), List.of())));
        }
        return out;
    }

    private Map<String, Object> viewWithWait(JobRow j, List<TaskRow> tasks) {
        Map<String, Object> m = view(j, tasks);
        if (j.state() == JobState.PENDING) {
            waitReason(j.id()).ifPresent(r -> m.put("waiting", waitingJson(r)));
        }
        return m;
    }

    /** A wait reason as the API shows it; the estimated start only when the scheduler knows one. */
    public static Map<String, Object> waitingJson(io.computegrid.scheduler.Reason r) {
        Map<String, Object> w = Json.map("plugin", r.plugin(), "code", r.code(), "message", r.message());
        if (r.estimatedStartMillis() >= 0) {
            w.put("estimatedStart", java.time.Instant.ofEpochMilli(r.estimatedStartMillis()).toString());
        }
        if (r.relatedJobId() >= 0) {
            w.put("relatedJob", r.relatedJobId());
        }
        return w;
    }

    private static Map<String, Object> view(JobRow j, List<TaskRow> tasks) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", j.id());
        m.put("name", j.name());
        m.put("tenant", j.tenant());
        m.put("state", j.state().name());
        m.put("priority", j.priorityClass());
        m.put("submittedAt", iso(j.submittedAt()));
        m.put("startedAt", iso(j.startedAt()));
        m.put("finishedAt", iso(j.finishedAt()));
        m.put("center", j.center());
        m.put("pool", j.pool());
        m.put("accelerator", j.accelerator());
        m.put("attempt", j.attempt());
        m.put("exitCode", j.exitCode());
        m.put("reason", j.reason());
        m.put("service", j.serviceId());
        List<Map<String, Object>> ts = new ArrayList<>();
        for (TaskRow t : tasks) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("index", t.index());
            tm.put("node", t.node());
            tm.put("cards", t.cards());
            tm.put("state", t.state());
            tm.put("exitCode", t.exitCode());
            tm.put("reason", t.reason());
            if (t.endpoint() != null) {
                tm.put("endpoint", t.endpoint());
            }
            ts.add(tm);
        }
        m.put("tasks", ts);
        m.put("spec", Json.MAPPER.readTree(j.specJson()));
        return m;
    }

    static String iso(Timestamp t) {
        return t == null ? null : t.toInstant().toString();
    }

    /** One row of the jobs table. */
    public record JobRow(long id, String tenant, String name, String specJson, JobState state, String priorityClass,
                         int priority, Timestamp submittedAt, Timestamp startedAt, Timestamp finishedAt,
                         String center, String pool, String accelerator, int attempt, String handle,
                         Integer exitCode, String reason, String stopRequest, String placement,
                         Timestamp lastCheckpointAt, long attainedMs, Long serviceId) {
        public static JobRow of(ResultSet rs) throws SQLException {
            return new JobRow(rs.getLong("id"), rs.getString("tenant"), rs.getString("name"), rs.getString("spec"),
                    JobState.valueOf(rs.getString("state")), rs.getString("priority_class"), rs.getInt("priority"),
                    rs.getTimestamp("submitted_at"), rs.getTimestamp("started_at"), rs.getTimestamp("finished_at"),
                    rs.getString("center"), rs.getString("pool"), rs.getString("accelerator"), rs.getInt("attempt"),
                    rs.getString("handle"), (Integer) rs.getObject("exit_code"), rs.getString("reason"),
                    rs.getString("stop_request"), rs.getString("placement"), rs.getTimestamp("last_checkpoint_at"),
                    rs.getLong("attained_ms"), (Long) rs.getObject("service_id"));
        }

        /** A replica of an inference service (its tasks serve requests on a port). */
        public boolean serving() {
            return serviceId != null;
        }
    }

    /** One row of the tasks table. */
    public record TaskRow(long jobId, int attempt, int index, String node, int[] cards, int milliPerCard, int cpuMilli,
                          long memoryMiB, String state, String handle, Integer exitCode, String reason,
                          Timestamp startedAt, Timestamp finishedAt, Timestamp meteredUntil, String endpoint) {
        public static TaskRow of(ResultSet rs) throws SQLException {
            return new TaskRow(rs.getLong("job_id"), rs.getInt("attempt"), rs.getInt("idx"), rs.getString("node"),
                    parseCards(rs.getString("cards")), rs.getInt("milli_per_card"), rs.getInt("cpu_milli"),
                    rs.getLong("memory_mib"), rs.getString("state"), rs.getString("handle"),
                    (Integer) rs.getObject("exit_code"), rs.getString("reason"), rs.getTimestamp("started_at"),
                    rs.getTimestamp("finished_at"), rs.getTimestamp("metered_until"), rs.getString("endpoint"));
        }

        public static int parseCardsCount(String s) {
            return s == null || s.isEmpty() ? 0 : s.split(",").length;
        }

        static int[] parseCards(String s) {
            if (s == null || s.isEmpty()) {
                return new int[0];
            }
            String[] p = s.split(",");
            int[] out = new int[p.length];
            for (int i = 0; i < p.length; i++) {
                out[i] = Integer.parseInt(p[i]);
            }
            return out;
        }
    }

    public static String cardsText(int[] cards) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cards.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(cards[i]);
        }
        return b.toString();
    }
}
