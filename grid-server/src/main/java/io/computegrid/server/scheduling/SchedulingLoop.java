package io.computegrid.server.scheduling;

import io.computegrid.model.Clock;
import io.computegrid.model.JobSpec;
import io.computegrid.scheduler.Placement;
import io.computegrid.scheduler.Plan;
import io.computegrid.scheduler.Preemption;
import io.computegrid.scheduler.Reason;
import io.computegrid.scheduler.Scheduler;
import io.computegrid.scheduler.Snapshot;
import io.computegrid.scheduler.TaskAllocation;
import io.computegrid.server.api.Json;
import io.computegrid.server.events.EventBus;
import io.computegrid.server.federation.Federation;
import io.computegrid.server.jobs.JobStore;
import io.computegrid.server.metrics.GridMetrics;
import io.computegrid.server.runtime.JobRuntime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the scheduler on events (submit, exit, cancel, config change), never in a busy loop: a
 * wake-up sets a flag, one thread takes a snapshot, asks the scheduler for a plan and commits the
 * plan in one transaction. A plan the store rejects (a job no longer pending, a card already
 * taken) is dropped whole and the next cycle starts from a fresh snapshot.
 */
public final class SchedulingLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SchedulingLoop.class);
    /** Also run now and then without a wake-up, for time-based decisions (reservations, reclaim grace). */
    private static final long IDLE_CYCLE_MILLIS = 5_000;
    /**
     * At most one cycle per this interval under load: wake-ups in between coalesce, so a burst of
     * submissions costs one snapshot, not one per job (scheduling latency stays well under a second).
     */
    private static final long MIN_CYCLE_GAP_MILLIS = 50;

    /** Pending jobs of one tenant a cycle looks at (its first by priority and age). */
    static final int PENDING_PER_TENANT = 2_000;
    private final Jdbi jdbi;
    private final SnapshotLoader loader;
    private final Federation federation;
    private final JobRuntime runtime;
    private final EventBus bus;
    private final GridMetrics metrics;
    private final Clock clock;
    private volatile Scheduler scheduler;
    private final Object signal = new Object();
    private final AtomicBoolean wanted = new AtomicBoolean(true);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Plan lastPlan = Plan.empty();
    private volatile AdmissionGate gate = AdmissionGate.NONE;
    private volatile Map<Long, Reason> held = Map.of();

    public SchedulingLoop(Jdbi jdbi, JobStore jobs, Federation federation, JobRuntime runtime, EventBus bus,
                          GridMetrics metrics, Scheduler scheduler, Clock clock) {
        this.jdbi = jdbi;
        this.loader = new SnapshotLoader(jdbi, jobs, federation, PENDING_PER_TENANT);
        this.federation = federation;
        this.runtime = runtime;
        this.bus = bus;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.clock = clock;
        this.thread = new Thread(this::run, "grid-scheduler");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Asks for a cycle soon; many wake-ups coalesce into one cycle. */
    public void wake() {
        wanted.set(true);
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    public void admissionGate(AdmissionGate g) {
        this.gate = g;
    }

    public void scheduler(Scheduler s) {
        this.scheduler = s;
        wake();
    }

    public Plan lastPlan() {
        return lastPlan;
    }

    /**
     * Why a pending job waits, as of the last cycle. Kept in memory, not written per job: every
     * cycle recomputes it, and writing it would double the writes of a burst of submissions.
     */
    /** The parsed spec of a job the last snapshot held (pending or running), or null. */
    public JobSpec spec(long jobId) {
        return loader.spec(jobId);
    }

    public java.util.Optional<Reason> waitingReason(long jobId) {
        Reason h = held.get(jobId);
        return java.util.Optional.ofNullable(h != null ? h : lastPlan.waiting().get(jobId));
    }

    private void run() {
        while (running) {
            try {
                synchronized (signal) {
                    if (!wanted.get()) {
                        signal.wait(IDLE_CYCLE_MILLIS);
                    }
                }
                if (!running) {
                    return;
                }
                wanted.set(false);
                long started = System.nanoTime();
                cycle();
                long spent = (System.nanoTime() - started) / 1_000_000;
                // leave the cores to the API for twice as long as the cycle took (bounded), then go again
                long gap = Math.min(1_000, Math.max(MIN_CYCLE_GAP_MILLIS, 2 * spent));
                Thread.sleep(gap);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("scheduling cycle failed; retrying on the next wake-up", e);
                sleepQuietly(500);
                wanted.set(true);
            }
        }
    }

    /** One cycle: snapshot, plan, commit, then act on the backends. Visible for tests. */
    public void cycle() {
        long t0 = System.nanoTime();
        Snapshot snap = loader.load();
        Map<Long, Reason> hold = gate.hold(snap, loader::spec);
        if (!hold.isEmpty()) {
            snap = new Snapshot(snap.federation(), snap.nodes(), snap.running(),
                    snap.pending().stream().filter(j -> !hold.containsKey(j.id())).toList(), snap.decayedUsage());
        }
        held = hold;
        long t1 = System.nanoTime();
        Plan plan = scheduler.schedule(snap, clock);
        long t2 = System.nanoTime();
        boolean committed = commit(plan);
        if (committed) {
            lastPlan = plan; // before acting, so that explain sees the plan that made the decisions
        }
        long t3 = System.nanoTime();
        metrics.cycle(t1 - t0, t2 - t1, t3 - t2, snap.pending().size());
        if (!committed) {
            wanted.set(true); // the world moved: try again with a fresh snapshot
            return;
        }
        lastPlan = plan;
        for (Placement p : plan.starts()) {
            runtime.launch(p.jobId());
        }
        for (Preemption p : plan.preemptions()) {
            runtime.stop(p.victimJobId(), "PREEMPT", "preempted for job " + p.forJobId() + ": "
                    + p.reason().message());
        }
        Set<Long> active = new HashSet<>();
        snap.pending().forEach(j -> active.add(j.id()));
        snap.running().forEach(j -> active.add(j.id()));
        plan.starts().forEach(p -> active.add(p.jobId()));
        loader.retainOnly(active);
    }

    private boolean commit(Plan plan) {
        if (plan.starts().isEmpty() && plan.preemptions().isEmpty()) {
            return true;
        }
        EventBus.Batch ev = bus.batch();
        try {
            jdbi.useTransaction(h -> {
                for (Placement p : plan.starts()) {
                    admit(h, p, ev);
                }
            });
        } catch (PlanRejected e) {
            log.info("plan rejected, will reschedule: {}", e.getMessage());
            return false;
        } catch (RuntimeException e) {
            if (isConstraintViolation(e)) {
                log.info("plan rejected by the store (a card is already taken), will reschedule");
                return false;
            }
            throw e;
        }
        ev.publish();
        return true;
    }

    private void admit(Handle h, Placement p, EventBus.Batch ev) {
        JobStore.JobRow j = h.createQuery("SELECT * FROM jobs WHERE id = :id FOR UPDATE").bind("id", p.jobId())
                .map((rs, c) -> JobStore.JobRow.of(rs)).findOne()
                .orElseThrow(() -> new PlanRejected("job " + p.jobId() + " is gone"));
        if (j.state() != io.computegrid.model.JobState.PENDING) {
            throw new PlanRejected("job " + p.jobId() + " is " + j.state());
        }
        int attempt = j.attempt() + 1;
        h.createUpdate("""
                UPDATE jobs SET state = 'ADMITTED', center = :c, pool = :p, accelerator = :a, attempt = :at,
                    handle = NULL, exit_code = NULL, reason = :r, placement = CAST(:pl AS jsonb), updated_at = now()
                WHERE id = :id""")
                .bind("c", p.center()).bind("p", p.pool()).bind("a", p.accelerator()).bind("at", attempt)
                .bind("r", p.reason() == null ? null : p.reason().message())
                .bind("pl", Json.MAPPER.writeValueAsString(p)).bind("id", p.jobId()).execute();
        for (TaskAllocation t : p.tasks()) {
            h.createUpdate("""
                    INSERT INTO tasks(job_id, attempt, idx, node, cards, milli_per_card, cpu_milli, memory_mib, state)
                    VALUES (:j, :a, :i, :n, :cards, :m, :cpu, :mem, 'STARTING')""")
                    .bind("j", p.jobId()).bind("a", attempt).bind("i", t.taskIndex()).bind("n", t.node())
                    .bind("cards", JobStore.cardsText(t.cards())).bind("m", t.milliPerCard())
                    .bind("cpu", t.cpuMilli()).bind("mem", t.memoryMiB()).execute();
            for (int card : t.cards()) {
                h.createUpdate("INSERT INTO card_allocations(node, card, job_id, milli) VALUES (:n, :c, :j, :m)")
                        .bind("n", t.node()).bind("c", card).bind("j", p.jobId()).bind("m", t.milliPerCard()).execute();
            }
        }
        // the primary key stops a whole card from being taken twice; fractions must not add up past one card
        Integer over = h.createQuery("""
                SELECT count(*) FROM (SELECT node, card FROM card_allocations
                    WHERE (node, card) IN (SELECT node, card FROM card_allocations WHERE job_id = :j)
                    GROUP BY node, card HAVING sum(milli) > 1000) x""").bind("j", p.jobId())
                .mapTo(Integer.class).one();
        if (over > 0) {
            throw new PlanRejected("a card of job " + p.jobId() + " would be over-allocated");
        }
        ev.add(h, p.jobId(), j.tenant(), "ADMITTED", "ADMITTED", "placed on " + p.center() + "/" + p.pool() + " ("
                + p.accelerator() + "), attempt " + attempt + (p.reason() == null ? "" : ": " + p.reason().message()));
    }

    private static boolean isConstraintViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        wake();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The store no longer matches the snapshot the plan was made from. */
    static final class PlanRejected extends RuntimeException {
        PlanRejected(String m) {
            super(m);
        }
    }

}
