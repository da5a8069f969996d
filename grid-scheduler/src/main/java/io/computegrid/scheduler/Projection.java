package io.computegrid.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What-if view of one pool for one job shape: how many tasks would fit if some running jobs released
 * their cards (reservation: by their end time; preemption: the victims). Counts exactly per node,
 * without touching the cluster; looks only at nodes that have room now or that a release touches.
 * Nodes already reserved for someone else (a preemptor's targets) do not count.
 */
final class Projection {
    private final Cluster c;
    private final Cluster.PoolState p;
    private final int per;
    private final int cpu;
    private final long mem;
    private final Map<Integer, long[]> extra = new HashMap<>();
    private final Set<Integer> roomNow = new LinkedHashSet<>();
    long total;

    Projection(Cluster c, Cluster.PoolState p, PendingJob job) {
        this.c = c;
        this.p = p;
        int milli = job.perTask().milliCards();
        this.per = milli == 0 ? 0 : Math.max(1, milli / 1000);
        this.cpu = job.perTask().cpuMilli();
        this.mem = job.perTask().memoryMiB();
        for (int k = Math.max(per, per == 0 ? 0 : 1); k <= p.maxCards; k++) {
            for (int i = c.bucketHead(p, k); i >= 0; i = c.bucketNext(i)) {
                int n = tasks(i);
                if (n > 0) {
                    roomNow.add(i);
                    total += n;
                }
            }
        }
    }

    int tasks(int i) {
        if (!c.nodes[i].schedulable() || !c.allowed(i, Long.MAX_VALUE)) {
            return 0;
        }
        long[] e = extra.get(i);
        long whole = c.freeWhole[i] + (e == null ? 0 : e[0]);
        long fc = c.freeCpu[i] + (e == null ? 0 : e[1]);
        long fm = c.freeMem[i] + (e == null ? 0 : e[2]);
        long n = per == 0 ? 1 << 20 : whole / per;
        if (cpu > 0) {
            n = Math.min(n, fc / cpu);
        } else if (fc < 0) {
            n = 0;
        }
        if (mem > 0) {
            n = Math.min(n, fm / mem);
        } else if (fm < 0) {
            n = 0;
        }
        return (int) Math.max(0, Math.min(n, 1 << 20));
    }

    /** Releases (sign 1) or takes back (sign -1) a running job's tasks on this pool. */
    void release(RunningJob r, int sign) {
        for (TaskAllocation t : r.tasks()) {
            Integer i = c.nodeIndex.get(t.node());
            if (i == null || c.poolOf[i] != p.index) {
                continue;
            }
            int before = tasks(i);
            long[] e = extra.computeIfAbsent(i, k -> new long[3]);
            e[0] += (t.milliPerCard() == 1000 ? t.cardCount() : 0) * (long) sign;
            e[1] += (long) t.cpuMilli() * sign;
            e[2] += t.memoryMiB() * sign;
            total += tasks(i) - before;
        }
    }

    /** The nodes a gang of {@code tasks} would use (most room first), or null if it does not fit. */
    List<Integer> choose(int tasks) {
        if (total < tasks) {
            return null;
        }
        Set<Integer> cand = new LinkedHashSet<>(roomNow);
        cand.addAll(extra.keySet());
        List<int[]> rows = new ArrayList<>();
        for (int i : cand) {
            int n = tasks(i);
            if (n > 0) {
                rows.add(new int[]{i, n});
            }
        }
        rows.sort((a, b) -> a[1] != b[1] ? Integer.compare(b[1], a[1]) : Integer.compare(a[0], b[0]));
        List<Integer> out = new ArrayList<>();
        int left = tasks;
        for (int[] r : rows) {
            if (left <= 0) {
                break;
            }
            out.add(r[0]);
            left -= r[1];
        }
        return left <= 0 ? out : null;
    }

    /**
     * Releases candidates in order until the gang fits, then gives back (in reverse) every one not
     * needed after all; null when even all of them are not enough. Leaves the projection with the
     * chosen victims released.
     */
    java.util.List<RunningJob> fewestVictims(java.util.List<RunningJob> cands, int tasks) {
        java.util.List<RunningJob> chosen = new java.util.ArrayList<>();
        for (RunningJob r : cands) {
            if (total >= tasks) {
                break;
            }
            release(r, 1);
            chosen.add(r);
        }
        if (total < tasks) {
            return null;
        }
        for (int k = chosen.size() - 1; k >= 0; k--) {
            RunningJob r = chosen.get(k);
            release(r, -1);
            if (total >= tasks) {
                chosen.remove(k);
            } else {
                release(r, 1);
            }
        }
        return chosen;
    }
}
