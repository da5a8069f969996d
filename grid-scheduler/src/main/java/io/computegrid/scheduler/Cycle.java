package io.computegrid.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The working state of one scheduling cycle: what the plugins read and change. Never outlives the cycle. */
final class Cycle {
    final Snapshot snapshot;
    final SchedulerSettings settings;
    final long now;
    final Cluster cluster;
    final Ledger ledger;
    final List<Placement> starts = new ArrayList<>();
    final List<Preemption> preemptions = new ArrayList<>();
    final List<Reservation> reservations = new ArrayList<>();
    final Map<Long, Reason> waiting = new HashMap<>();
    final Set<Long> started = new HashSet<>();
    final Set<Long> victims = new HashSet<>();
    /** Jobs started in this cycle, as running jobs (they end by their limits too, for reservations). */
    final Map<Integer, List<RunningJob>> startedByPool = new HashMap<>();
    /** The job holding the backfill reservation (EASY: one per cycle), or null. */
    PendingJob head;
    Reservation headReservation;
    /** Per running job: is it borrowed work (computed on first use by the preempt plugin). */
    Map<Long, Boolean> borrowed;
    /** Per pool: candidate victims (computed on first use by the preempt plugin). */
    final Map<Integer, Preemptor.PoolVictims> poolVictims = new HashMap<>();
    /** Per pool: running jobs outside their minimum runtime, lowest LAS queue first (plugin las-preempt). */
    final Map<Integer, List<RunningJob>> lasVictims = new HashMap<>();
    int preemptAttempts;
    /** Capacity reasons by job shape, valid until the next start changes free capacity. */
    final Map<Object, Reason> capacityReasons = new HashMap<>();
    /** Per pool: release curve for start estimates (computed on first use by the score plugin). */
    final Map<Integer, long[][]> releaseCurves = new HashMap<>();

    /** Task shapes running at the start of the cycle (computed on first use by fragmentation scoring). */
    private NodeFit.Shapes shapes;

    /** The task shapes the fragmentation score weighs: those running, else the job's own. */
    NodeFit.Shapes shapes(PendingJob job) {
        if (shapes == null) {
            shapes = NodeFit.ofRunning(snapshot);
        }
        return shapes.size() > 0 ? shapes : NodeFit.ofJob(job);
    }

    Cycle(Snapshot snapshot, SchedulerSettings settings, long now) {
        this.snapshot = snapshot;
        this.settings = settings;
        this.now = now;
        this.cluster = new Cluster(snapshot);
        this.ledger = new Ledger(snapshot, cluster, settings);
    }

    /** Running jobs of a pool including those started in this cycle. */
    List<RunningJob> runningWithStarts(Cluster.PoolState p) {
        List<RunningJob> extra = startedByPool.get(p.index);
        if (extra == null) {
            return cluster.running(p);
        }
        List<RunningJob> all = new ArrayList<>(cluster.running(p));
        all.addAll(extra);
        return all;
    }

    /** Estimated run time of a job on its reference model: its limit, else the assumed run time. */
    long baseRuntime(PendingJob j) {
        return j.maxRuntimeMillis() > 0 ? j.maxRuntimeMillis() : settings.assumedRuntimeMillis();
    }

    /** When a job placed now must have ended (its limit), or Long.MAX_VALUE without one. */
    long jobEnd(PendingJob j) {
        return j.maxRuntimeMillis() > 0 ? now + j.maxRuntimeMillis() : Long.MAX_VALUE;
    }

    /** When a running job is expected to end, for estimates: its limit, else started + assumed run time. */
    long expectedEnd(RunningJob r) {
        long end = r.maxRuntimeMillis() > 0 ? r.deadline() : r.startedAt() + settings.assumedRuntimeMillis();
        if (end <= now) {
            end = r.maxRuntimeMillis() > 0 ? now : now + settings.assumedRuntimeMillis() / 4;
        }
        return end;
    }
}
