package io.computegrid.server.scheduling;

import io.computegrid.config.FederationConfig;
import io.computegrid.config.PriorityClass;
import io.computegrid.model.JobSpec;
import io.computegrid.scheduler.NodeInfo;
import io.computegrid.scheduler.PendingJob;
import io.computegrid.scheduler.RunningJob;
import io.computegrid.scheduler.SchedulerSettings;
import io.computegrid.scheduler.Snapshot;
import io.computegrid.scheduler.TaskAllocation;
import io.computegrid.server.federation.Federation;
import io.computegrid.server.jobs.JobStore;
import io.computegrid.server.jobs.JobStore.TaskRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Reads what one scheduling cycle needs from the store into an immutable {@link Snapshot}. Parsed
 * job specs are cached by job id (a spec never changes after submission).
 */
final class SnapshotLoader {
    private final Jdbi jdbi;
    private final JobStore jobs;
    private final Federation federation;
    private final int maxPending;
    private final Map<Long, JobSpec> specs = new ConcurrentHashMap<>();

    SnapshotLoader(Jdbi jdbi, JobStore jobs, Federation federation, int maxPending) {
        this.jdbi = jdbi;
        this.jobs = jobs;
        this.federation = federation;
        this.maxPending = maxPending;
    }

    JobSpec spec(long id) {
        return specs.get(id);
    }

    Snapshot load() {
        FederationConfig fed = federation.current();
        return jdbi.inTransaction(h -> {
            h.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            List<NodeInfo> nodes = h.createQuery("""
                    SELECT n.*, c.status FROM nodes n JOIN centers c ON c.name = n.center ORDER BY n.center, n.pool, n.name""")
                    .map((rs, ctx) -> new NodeInfo(rs.getString("name"), rs.getString("center"), rs.getString("pool"),
                            rs.getString("accelerator"), Math.max(0, rs.getInt("cards") - rs.getInt("foreign_busy_cards")),
                            rs.getInt("cpu_milli"), rs.getLong("memory_mib"),
                            rs.getBoolean("schedulable") && !"DOWN".equals(rs.getString("status"))))
                    .list();
            Map<Long, List<TaskAllocation>> allocations = new HashMap<>();
            h.createQuery("""
                    SELECT t.* FROM tasks t JOIN jobs j ON j.id = t.job_id AND j.attempt = t.attempt
                    WHERE j.state IN ('ADMITTED', 'RUNNING') ORDER BY t.job_id, t.idx""")
                    .map((rs, ctx) -> TaskRow.of(rs)).forEach(t -> allocations
                            .computeIfAbsent(t.jobId(), k -> new ArrayList<>())
                            .add(new TaskAllocation(t.index(), t.node(), t.cards(), t.milliPerCard(), t.cpuMilli(),
                                    t.memoryMiB())));
            List<JobStore.JobRow> active = h.createQuery("SELECT " + COLUMNS
                            + " FROM jobs WHERE state IN ('ADMITTED', 'RUNNING') ORDER BY id")
                    .map((rs, ctx) -> JobStore.JobRow.of(rs)).list();
            // each tenant's first jobs by priority and age: the snapshot stays bounded however long the
            // queue grows, and every tenant's head of line is in it (fair share needs all of them)
            List<JobStore.JobRow> waiting = h.createQuery("SELECT " + COLUMNS + " FROM (SELECT jobs.*, row_number() "
                            + "OVER (PARTITION BY tenant ORDER BY priority DESC, id) AS rn FROM jobs WHERE state = 'PENDING') q "
                            + "WHERE rn <= :l ORDER BY id").bind("l", maxPending)
                    .map((rs, ctx) -> JobStore.JobRow.of(rs)).list();
            loadMissingSpecs(h, active, waiting);
            List<RunningJob> running = new ArrayList<>();
            for (JobStore.JobRow j : active) {
                JobSpec spec = specs.get(j.id());
                long started = j.startedAt() != null ? j.startedAt().getTime() : j.submittedAt().getTime();
                running.add(new RunningJob(j.id(), j.tenant(), j.priority(), j.center(), j.pool(),
                        j.accelerator(), allocations.getOrDefault(j.id(), List.of()), started,
                        millis(spec.maxRuntime()), millis(spec.minRuntime()),
                        j.lastCheckpointAt() == null ? 0 : j.lastCheckpointAt().getTime(),
                        spec.preemptible() || preemptible(fed, j.priorityClass()),
                        spec.resources().accelerators().stream().map(a -> a.model()).toList(), j.attainedMs(),
                        j.serving()));
            }
            // requeued jobs in the snapshot: when their last attempt ended and how long it ran (for the
            // reclaim grace and LAS starvation avoidance); read only when there are any
            Map<Long, long[]> lastRuns = new HashMap<>();
            List<Long> requeued = waiting.stream().filter(j -> j.attempt() > 0).map(JobStore.JobRow::id).toList();
            if (!requeued.isEmpty()) {
                h.createQuery("""
                        SELECT t.job_id, min(t.started_at) AS started, max(t.finished_at) AS finished
                        FROM tasks t JOIN jobs j ON j.id = t.job_id AND t.attempt = j.attempt
                        WHERE t.job_id = ANY(:ids) AND t.started_at IS NOT NULL AND t.finished_at IS NOT NULL
                        GROUP BY t.job_id""")
                        .bindArray("ids", Long.class, requeued)
                        .map((rs, ctx) -> {
                            long finished = rs.getTimestamp("finished").getTime();
                            lastRuns.put(rs.getLong("job_id"), new long[]{finished,
                                    Math.max(0, finished - rs.getTimestamp("started").getTime())});
                            return 0;
                        }).list();
            }
            List<PendingJob> pending = new ArrayList<>();
            for (JobStore.JobRow j : waiting) {
                JobSpec spec = specs.get(j.id());
                long submitted = j.submittedAt().getTime();
                long[] last = lastRuns.get(j.id());
                pending.add(new PendingJob(j.id(), j.tenant(), j.priority(), j.id(), submitted,
                        spec.tasks(), spec.resources(), millis(spec.maxRuntime()), millis(spec.minRuntime()),
                        spec.preemptible() || preemptible(fed, j.priorityClass()), spec.objective(),
                        spec.datasets(), spec.centers(), j.attainedMs(), 0, last == null ? submitted : last[0],
                        last == null ? 0 : last[1], j.serving()));
            }
            Map<String, Double> usage = decayedUsage(h, halfLifeMillis(fed));
            return new Snapshot(fed, nodes, running, pending, usage);
        });
    }

    /**
     * Each tenant's decayed card-seconds for fair share: every task's cards integrated over the time it held
     * them, weighted by 2^(-age / half-life) ({@code scheduler.fairShare.halfLifeSeconds}); tasks that ended
     * more than ten half-lives ago (weight under 1/1000) are left out. Recomputed at most every 30 s, or at
     * once when the half-life changes: it moves slowly and the query reads task history.
     */
    private Map<String, Double> decayedUsage(org.jdbi.v3.core.Handle h, long halfLifeMillis) {
        long now = System.nanoTime();
        if (cachedUsage != null && usageHalfLife == halfLifeMillis && now - usageAt < 30_000_000_000L) {
            return cachedUsage;
        }
        double halfLife = halfLifeMillis / 1000.0;
        Map<String, Double> usage = new HashMap<>();
        h.createQuery("""
                SELECT j.tenant, t.cards, t.milli_per_card,
                       extract(epoch FROM (now() - t.started_at)) AS age_start,
                       extract(epoch FROM (now() - COALESCE(t.finished_at, now()))) AS age_end
                FROM tasks t JOIN jobs j ON j.id = t.job_id
                WHERE t.started_at IS NOT NULL AND t.cards <> ''
                  AND COALESCE(t.finished_at, now()) > now() - make_interval(secs => :window)""")
                .bind("window", Math.min(10 * halfLife, 3650.0 * 86_400))
                .map((rs, ctx) -> {
                    double cards = TaskRow.parseCardsCount(rs.getString("cards")) * rs.getInt("milli_per_card") / 1000.0;
                    double u = decayedCardSeconds(cards, rs.getDouble("age_start"), rs.getDouble("age_end"), halfLife);
                    usage.merge(rs.getString("tenant"), u, Double::sum);
                    return 0;
                }).list();
        cachedUsage = Map.copyOf(usage);
        usageAt = now;
        usageHalfLife = halfLifeMillis;
        return cachedUsage;
    }

    /**
     * Card-seconds of {@code cards} held from {@code ageStart} to {@code ageEnd} seconds ago, each second
     * weighted 2^(-age / halfLife): the integral, so a long task's early hours count less than its last.
     */
    static double decayedCardSeconds(double cards, double ageStart, double ageEnd, double halfLifeSeconds) {
        double start = Math.max(0, ageStart);
        double end = Math.max(0, Math.min(start, ageEnd));
        double tau = halfLifeSeconds / Math.log(2);
        return cards * tau * (Math.exp(-end / tau) - Math.exp(-start / tau));
    }

    /** The configured half-life, parsed once per federation version (the loop loads a snapshot per cycle). */
    private long halfLifeMillis(FederationConfig fed) {
        Object[] memo = halfLifeMemo;
        if (memo != null && memo[0] == fed) {
            return (Long) memo[1];
        }
        long h = SchedulerSettings.of(fed).halfLifeMillis();
        halfLifeMemo = new Object[]{fed, h};
        return h;
    }

    private volatile Object[] halfLifeMemo;
    private volatile Map<String, Double> cachedUsage;
    private volatile long usageAt;
    private volatile long usageHalfLife;

    /** Every column but the spec document, which is read only for jobs not parsed before. */
    private static final String COLUMNS = "id, tenant, name, NULL AS spec, state, priority_class, priority, submitted_at, "
            + "started_at, finished_at, center, pool, accelerator, attempt, handle, exit_code, reason, stop_request, "
            + "NULL AS placement, last_checkpoint_at, attained_ms, service_id";

    private void loadMissingSpecs(org.jdbi.v3.core.Handle h, List<JobStore.JobRow> a, List<JobStore.JobRow> b) {
        List<Long> missing = new ArrayList<>();
        for (List<JobStore.JobRow> l : List.of(a, b)) {
            for (JobStore.JobRow j : l) {
                if (!specs.containsKey(j.id())) {
                    missing.add(j.id());
                }
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        h.createQuery("SELECT id, spec FROM jobs WHERE id = ANY(:ids)").bindArray("ids", Long.class, missing)
                .map((rs, ctx) -> {
                    specs.put(rs.getLong("id"), jobs.spec(rs.getString("spec")));
                    return 0;
                }).list();
    }

    void forget(long id) {
        specs.remove(id);
    }

    void retainOnly(java.util.Set<Long> active) {
        specs.keySet().retainAll(active);
    }

    private static boolean preemptible(FederationConfig fed, String pc) {
        return fed.priority(pc).map(PriorityClass::preemptible).orElse(false);
    }

    private static long millis(java.time.Duration d) {
        return d == null ? 0 : d.toMillis();
    }
}
