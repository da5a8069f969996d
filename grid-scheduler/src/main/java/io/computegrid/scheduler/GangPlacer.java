package io.computegrid.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * Plugin "gang": places all tasks of a job in one pool or none. Whole-card tasks pack into the fewest
 * nodes (one node that holds the rest of the gang with the fewest cards left over; otherwise the node
 * with the most free cards); a fraction of a card goes onto the partly used card it fills best, and
 * only then onto a fresh card of the fullest node (fewest pieces left unusable). Allocations are
 * tentative: a gang that does not fit whole is rolled back in reverse.
 */
final class GangPlacer {
    static final String NAME = "gang";
    /** Bound on nodes looked at in one bucket, so reserved or CPU-starved nodes cannot make a scan long. */
    static final int SCAN = 64;

    /** The allocations, applied to the cluster, or null (nothing applied). {@code jobEnd} is checked against reservations. */
    List<TaskAllocation> place(Cluster c, Cluster.PoolState p, PendingJob job, long jobEnd) {
        int tasks = job.tasks();
        int milli = job.perTask().milliCards();
        int cpu = job.perTask().cpuMilli();
        long mem = job.perTask().memoryMiB();
        if (tasks <= 0) {
            return List.of();
        }
        if (milli >= 1000) {
            int per = milli / 1000;
            if (per > p.maxCards || p.freeWholeTotal < (long) per * tasks) {
                return null;
            }
        } else if (milli > 0 && p.freeWholeTotal == 0 && p.partialHead < 0) {
            return null;
        }
        List<TaskAllocation> out = new ArrayList<>(tasks);
        int stamp = ++c.stamp;
        boolean ok = milli >= 1000 ? whole(c, p, tasks, milli / 1000, cpu, mem, jobEnd, out, stamp)
                : milli > 0 ? fractional(c, p, tasks, milli, cpu, mem, jobEnd, out) : cpuOnly(c, p, tasks, cpu, mem,
                jobEnd, out);
        if (!ok) {
            for (int k = out.size() - 1; k >= 0; k--) {
                TaskAllocation t = out.get(k);
                c.apply(c.nodeIndex.get(t.node()), t, -1);
            }
            return null;
        }
        return out;
    }

    private boolean whole(Cluster c, Cluster.PoolState p, int tasks, int per, int cpu, long mem, long end,
                          List<TaskAllocation> out, int stamp) {
        int remaining = tasks;
        while (remaining > 0) {
            int need = remaining * per;
            int chosen = -1;
            int take = 0;
            // one node for the rest of the gang, leaving the fewest cards
            for (int k = need; k <= p.maxCards && chosen < 0; k++) {
                int seen = 0;
                for (int i = c.bucketHead(p, k); i >= 0 && seen < SCAN; i = c.bucketNext(i), seen++) {
                    if (c.mark[i] != stamp && c.allowed(i, end) && c.tasksFit(i, per * 1000, cpu, mem, remaining)
                            == remaining) {
                        chosen = i;
                        take = remaining;
                        break;
                    }
                }
            }
            // otherwise the node with the most free cards
            for (int k = p.maxCards; k >= per && chosen < 0; k--) {
                int seen = 0;
                for (int i = c.bucketHead(p, k); i >= 0 && seen < SCAN; i = c.bucketNext(i), seen++) {
                    if (c.mark[i] != stamp && c.allowed(i, end)) {
                        int n = c.tasksFit(i, per * 1000, cpu, mem, remaining);
                        if (n > 0) {
                            chosen = i;
                            take = n;
                            break;
                        }
                    }
                }
            }
            if (chosen < 0) {
                return false;
            }
            c.mark[chosen] = stamp;
            int base = c.cardOffset[chosen];
            int cards = c.cards(chosen);
            for (int t = 0; t < take; t++) {
                int[] got = new int[per];
                int g = 0;
                for (int k = 0; k < cards && g < per; k++) {
                    if (c.freeMilli[base + k] == 1000) {
                        got[g++] = k;
                    }
                }
                TaskAllocation a = new TaskAllocation(tasks - remaining, c.nodes[chosen].name(), got, 1000, cpu, mem);
                c.apply(chosen, got, 1000, cpu, mem, 1);
                out.add(a);
                remaining--;
            }
        }
        return true;
    }

    private boolean fractional(Cluster c, Cluster.PoolState p, int tasks, int milli, int cpu, long mem, long end,
                               List<TaskAllocation> out) {
        for (int t = 0; t < tasks; t++) {
            int bestNode = -1;
            int bestCard = -1;
            int bestLeft = Integer.MAX_VALUE;
            int seen = 0;
            for (int i = c.partialHead(p); i >= 0 && seen < SCAN; i = c.partialNext(i), seen++) {
                if (!c.allowed(i, end) || c.tasksFit(i, milli, cpu, mem, 1) == 0) {
                    continue;
                }
                for (int k = c.cardOffset[i]; k < c.cardOffset[i + 1]; k++) {
                    int f = c.freeMilli[k];
                    if (f < 1000 && f >= milli && f - milli < bestLeft) {
                        bestLeft = f - milli;
                        bestNode = i;
                        bestCard = k - c.cardOffset[i];
                    }
                }
                if (bestLeft == 0) {
                    break;
                }
            }
            if (bestNode < 0) {
                // a fresh card on the node with the fewest whole free cards (keeps whole nodes whole)
                for (int k = 1; k <= p.maxCards && bestNode < 0; k++) {
                    int s = 0;
                    for (int i = c.bucketHead(p, k); i >= 0 && s < SCAN; i = c.bucketNext(i), s++) {
                        if (c.allowed(i, end) && c.tasksFit(i, milli, cpu, mem, 1) > 0) {
                            bestNode = i;
                            for (int x = c.cardOffset[i]; x < c.cardOffset[i + 1]; x++) {
                                if (c.freeMilli[x] == 1000) {
                                    bestCard = x - c.cardOffset[i];
                                    break;
                                }
                            }
                            break;
                        }
                    }
                }
            }
            if (bestNode < 0) {
                return false;
            }
            int[] card = {bestCard};
            out.add(new TaskAllocation(t, c.nodes[bestNode].name(), card, milli, cpu, mem));
            c.apply(bestNode, card, milli, cpu, mem, 1);
        }
        return true;
    }

    private boolean cpuOnly(Cluster c, Cluster.PoolState p, int tasks, int cpu, long mem, long end,
                            List<TaskAllocation> out) {
        for (int t = 0; t < tasks; t++) {
            int chosen = -1;
            for (int k = 0; k <= p.maxCards && chosen < 0; k++) {
                int s = 0;
                for (int i = c.bucketHead(p, k); i >= 0 && s < SCAN; i = c.bucketNext(i), s++) {
                    if (c.allowed(i, end) && c.tasksFit(i, 0, cpu, mem, 1) > 0) {
                        chosen = i;
                        break;
                    }
                }
            }
            if (chosen < 0) {
                return false;
            }
            out.add(new TaskAllocation(t, c.nodes[chosen].name(), new int[0], 1000, cpu, mem));
            c.apply(chosen, new int[0], 1000, cpu, mem, 1);
        }
        return true;
    }
}
