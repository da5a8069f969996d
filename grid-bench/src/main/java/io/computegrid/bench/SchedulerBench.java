package io.computegrid.bench;

import io.computegrid.scheduler.PendingJob;
import io.computegrid.scheduler.Placement;
import io.computegrid.scheduler.Plan;
import io.computegrid.scheduler.Policies;
import io.computegrid.scheduler.Preemption;
import io.computegrid.scheduler.RunningJob;
import io.computegrid.scheduler.Scheduler;
import io.computegrid.scheduler.Snapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The scheduler benchmark: the same synthetic state is driven through a number of cycles by the
 * {@code default} policy and by the naive reference, in the same process. A cycle is one
 * {@code schedule} call on a fresh snapshot; between cycles the plan is applied (starts become
 * running, preempted jobs go back to pending) and virtual time moves to the moment a tenth of the
 * running jobs have ended (at their runtime limits), so every cycle after the first works on a full
 * cluster with churn. Throughput is placements divided by the time spent inside {@code schedule}.
 */
public final class SchedulerBench {
    /** What one run measured. */
    public record Result(int nodes, int pending, int tenants, int cycles, long placements, double placementsPerSecond,
                         double cycleP50Millis, double cycleP99Millis, double cycleMaxMillis, int naiveCycles,
                         long naivePlacements, double naivePlacementsPerSecond, double speedupVsNaive,
                         double heapBytesPerPendingJob, String policy, int referencePending,
                         double referenceCycleP99Millis, double cycleP99VsReference) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("policy", policy);
            m.put("nodes", nodes);
            m.put("cards", nodes * 8L);
            m.put("pending", pending);
            m.put("tenants", tenants);
            m.put("cycles", cycles);
            m.put("placements", placements);
            m.put("placementsPerSecond", round(placementsPerSecond));
            m.put("cycleP50Millis", round(cycleP50Millis));
            m.put("cycleP99Millis", round(cycleP99Millis));
            m.put("cycleMaxMillis", round(cycleMaxMillis));
            m.put("naiveCycles", naiveCycles);
            m.put("naivePlacements", naivePlacements);
            m.put("naivePlacementsPerSecond", round(naivePlacementsPerSecond));
            m.put("speedupVsNaive", round(speedupVsNaive));
            m.put("heapBytesPerPendingJob", round(heapBytesPerPendingJob));
            if (referencePending > 0) {
                m.put("referencePending", referencePending);
                m.put("referenceCycleP99Millis", round(referenceCycleP99Millis));
                m.put("cycleP99VsReference", round(cycleP99VsReference));
            }
            return m;
        }

        private static double round(double v) {
            return Math.round(v * 100) / 100.0;
        }
    }

    /**
     * Options of one run. {@code naiveCycles} 0 skips the naive reference. {@code referencePending} &gt; 0
     * also drives a state with that many pending jobs (same nodes and tenants), its cycles interleaved
     * with the measured ones so that both see the same machine, and reports the cycle p99 ratio.
     */
    public record Options(int nodes, int pending, int tenants, int cycles, int naiveCycles, long seed, String policy,
                          boolean measureHeap, int referencePending) {
        public Options(int nodes, int pending, int tenants, int cycles, int naiveCycles, long seed, String policy,
                       boolean measureHeap) {
            this(nodes, pending, tenants, cycles, naiveCycles, seed, policy, measureHeap, 0);
        }

        public static Options of(int nodes, int pending, int tenants) {
            return new Options(nodes, pending, tenants, 12, 4, 42, "default", true);
        }
    }

    private SchedulerBench() {
    }

    public static Result run(Options o) {
        Scheduler scheduler = Policies.byName(o.policy());
        // the reference state exists before the heap baseline: only the measured state counts per job
        Driver reference = o.referencePending() > 0 ? new Driver(scheduler, SyntheticState.generate(o.nodes(),
                o.referencePending(), o.tenants(), o.seed()), o.cycles()) : null;
        long heapBefore = o.measureHeap() ? usedHeapAfterGc() : 0;
        SyntheticState state = SyntheticState.generate(o.nodes(), o.pending(), o.tenants(), o.seed());
        // warm-up on a small state so the JIT has compiled the hot paths before measuring
        warmUp(scheduler);
        Driver main = new Driver(scheduler, state, o.cycles());
        main.step();
        if (o.measureHeap()) {
            // the state, the snapshot and the plan of a first cycle, all alive
            main.heapAfter = usedHeapAfterGc();
        }
        for (int c = 1; c < o.cycles() || (reference != null && reference.done < o.cycles()); c++) {
            if (reference != null && reference.done < o.cycles()) {
                reference.step();
            }
            if (main.done < o.cycles()) {
                main.step();
            }
        }
        double heapPerJob = 0;
        if (o.measureHeap()) {
            heapPerJob = Math.max(0, main.heapAfter - heapBefore) / (double) Math.max(1, o.pending());
        }
        Driver naive = null;
        if (o.naiveCycles() > 0) {
            warmUp(new NaiveScheduler());
            naive = new Driver(new NaiveScheduler(), state, o.naiveCycles());
            while (naive.done < o.naiveCycles()) {
                naive.step();
            }
        }
        double[] sorted = main.cycleMillis.clone();
        Arrays.sort(sorted);
        double pps = main.placements / Math.max(1e-9, main.seconds);
        double npps = naive == null ? 0 : naive.placements / Math.max(1e-9, naive.seconds);
        double p99 = percentile(sorted, 0.99);
        double refP99 = 0;
        if (reference != null) {
            double[] r = reference.cycleMillis.clone();
            Arrays.sort(r);
            refP99 = percentile(r, 0.99);
        }
        return new Result(o.nodes(), o.pending(), o.tenants(), o.cycles(), main.placements, pps,
                percentile(sorted, 0.50), p99, sorted.length == 0 ? 0 : sorted[sorted.length - 1],
                naive == null ? 0 : o.naiveCycles(), naive == null ? 0 : naive.placements, npps,
                npps > 0 ? pps / npps : 0, heapPerJob, o.policy(), Math.max(0, o.referencePending()), refP99,
                refP99 > 0 ? p99 / refP99 : 0);
    }

    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int k = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, k))];
    }

    private static void warmUp(Scheduler s) {
        Driver d = new Driver(s, SyntheticState.generate(400, 4000, 10, 7), 6);
        while (d.done < 6) {
            d.step();
        }
    }

    /**
     * Drives one state through cycles, one {@link #step} at a time: each step times one {@code schedule}
     * call, applies the plan and moves virtual time on.
     */
    private static final class Driver {
        final Scheduler scheduler;
        final SyntheticState state;
        final double[] cycleMillis;
        final Map<Long, PendingJob> byId = new HashMap<>();
        final Map<Long, RunningJob> running = new LinkedHashMap<>();
        final PriorityQueue<RunningJob> ends = new PriorityQueue<>((a, b) -> a.deadline() != b.deadline()
                ? Long.compare(a.deadline(), b.deadline()) : Long.compare(a.id(), b.id()));
        List<PendingJob> pending;
        long now;
        int done;
        long placements;
        double seconds;
        long heapAfter;
        /** The last cycle's snapshot and plan, kept alive until the next step (for the heap measure). */
        Snapshot lastSnapshot;
        Plan lastPlan;

        Driver(Scheduler scheduler, SyntheticState state, int cycles) {
            this.scheduler = scheduler;
            this.state = state;
            this.cycleMillis = new double[cycles];
            this.pending = new ArrayList<>(state.pending);
            for (PendingJob j : pending) {
                byId.put(j.id(), j);
            }
        }

        void step() {
            Snapshot snap = new Snapshot(state.federation, state.nodes, new ArrayList<>(running.values()), pending);
            long t = now;
            long t0 = System.nanoTime();
            Plan plan = scheduler.schedule(snap, () -> t);
            long t1 = System.nanoTime();
            cycleMillis[done++] = (t1 - t0) / 1e6;
            lastSnapshot = snap;
            lastPlan = plan;
            seconds += (t1 - t0) / 1e9;
            placements += plan.starts().size();
            Set<Long> started = new HashSet<>();
            for (Placement p : plan.starts()) {
                PendingJob j = byId.get(p.jobId());
                RunningJob r = new RunningJob(j.id(), j.tenant(), j.priority(), p.center(), p.pool(), p.accelerator(),
                        p.tasks(), now, j.maxRuntimeMillis(), j.minRuntimeMillis(), 0, j.preemptible());
                running.put(r.id(), r);
                ends.add(r);
                started.add(j.id());
            }
            List<PendingJob> requeued = new ArrayList<>();
            for (Preemption pr : plan.preemptions()) {
                RunningJob r = running.remove(pr.victimJobId());
                if (r != null) {
                    requeued.add(byId.get(r.id()));
                }
            }
            if (!started.isEmpty() || !requeued.isEmpty()) {
                List<PendingJob> next = new ArrayList<>(pending.size());
                for (PendingJob j : pending) {
                    if (!started.contains(j.id())) {
                        next.add(j);
                    }
                }
                next.addAll(requeued);
                pending = next;
            }
            // advance to the moment a tenth of the running jobs have ended
            int toEnd = Math.max(1, running.size() / 10);
            for (int k = 0; k < toEnd && !ends.isEmpty(); k++) {
                RunningJob r = ends.poll();
                if (running.get(r.id()) != r) {
                    k--; // preempted earlier: lazily dropped here
                    continue;
                }
                now = Math.max(now, r.deadline());
                running.remove(r.id());
            }
            while (!ends.isEmpty() && ends.peek().deadline() <= now) {
                RunningJob r = ends.poll();
                running.remove(r.id(), r);
            }
        }
    }

    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
