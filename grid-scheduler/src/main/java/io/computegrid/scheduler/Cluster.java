package io.computegrid.scheduler;

import io.computegrid.config.FederationConfig;
import io.computegrid.model.Center;
import io.computegrid.model.Pool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The free capacity of one cycle, built from a snapshot and changed in place as the cycle places
 * jobs (tentative allocations are rolled back in reverse when a gang does not fit whole).
 *
 * <p>Cost does not grow with the number of nodes: each pool keeps its schedulable nodes in buckets
 * by number of whole free cards (intrusive doubly linked lists), plus a list of the nodes that hold
 * partly used cards, so finding a node for a task looks at a handful of buckets, not every node.
 */
final class Cluster {
    /** Free CPU is indexed in this many levels of each node's CPU capacity. */
    static final int CPU_LEVELS = 32;
    final Snapshot snapshot;
    final NodeInfo[] nodes;
    final Map<String, Integer> nodeIndex;
    final int[] cardOffset;
    final int[] freeMilli;
    final int[] freeWhole;
    final int[] partialCards;
    final int[] freeCpu;
    final long[] freeMem;
    final int[] poolOf;
    final PoolState[] pools;
    // bucket lists (by free whole cards) and the partial list, per node
    private final int[] next;
    private final int[] prev;
    private final int[] pnext;
    private final int[] pprev;
    // cell lists: nodes by (free whole cards, free CPU level), for scoring node choice without a full scan
    private final int[] cnext;
    private final int[] cprev;
    private final int[] cellOf;
    /** The largest node's CPU and milli-cards in the snapshot: best-fit and fragmentation normalise by them. */
    final int maxNodeCpu;
    final int maxNodeMilli;
    /** Per node: 0 when not reserved, else the time by which a job placed there must have ended (reservations). */
    long[] reservedUntil;
    final int[] mark;
    int stamp;

    /** One pool of one center: its nodes' buckets and totals. */
    static final class PoolState {
        final int index;
        final String center;
        final String name;
        final String model;
        final Center centerConfig;
        final Pool config;
        int maxCards;
        int[] head;
        int[] count;
        int partialHead = -1;
        /** Heads of the cell lists, index {@code k * CPU_LEVELS + level}. */
        int[] cellHead;
        long freeWholeTotal;
        long capacityMilli;
        int schedulableNodes;
        List<RunningJob> running;

        PoolState(int index, String center, String name, String model, Center centerConfig, Pool config) {
            this.index = index;
            this.center = center;
            this.name = name;
            this.model = model;
            this.centerConfig = centerConfig;
            this.config = config;
        }

        /** The largest number of whole free cards on one node (0 when none). */
        int largestFree() {
            for (int k = maxCards; k > 0; k--) {
                if (count[k] > 0) {
                    return k;
                }
            }
            return 0;
        }

        String label() {
            return center + "/" + name;
        }

        double pricePerCardHour() {
            return config == null ? 0 : config.pricePerCardHour().doubleValue();
        }
    }

    Cluster(Snapshot s) {
        this.snapshot = s;
        List<NodeInfo> list = s.nodes();
        int n = list.size();
        nodes = list.toArray(new NodeInfo[0]);
        nodeIndex = new HashMap<>(n * 2);
        cardOffset = new int[n + 1];
        for (int i = 0; i < n; i++) {
            cardOffset[i + 1] = cardOffset[i] + nodes[i].cards();
        }
        freeMilli = new int[cardOffset[n]];
        java.util.Arrays.fill(freeMilli, 1000);
        freeWhole = new int[n];
        partialCards = new int[n];
        freeCpu = new int[n];
        freeMem = new long[n];
        poolOf = new int[n];
        next = new int[n];
        prev = new int[n];
        pnext = new int[n];
        pprev = new int[n];
        mark = new int[n];
        cnext = new int[n];
        cprev = new int[n];
        cellOf = new int[n];
        FederationConfig fed = s.federation();
        Map<String, Center> centers = new HashMap<>();
        if (fed != null) {
            for (Center c : fed.centers()) {
                centers.put(c.name(), c);
            }
        }
        Map<String, PoolState> byKey = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            NodeInfo node = nodes[i];
            nodeIndex.put(node.name(), i);
            freeWhole[i] = node.cards();
            freeCpu[i] = node.cpuMilli();
            freeMem[i] = node.memoryMiB();
            String key = node.center() + "/" + node.pool();
            PoolState p = byKey.get(key);
            if (p == null) {
                Center c = centers.get(node.center());
                Pool cfg = null;
                if (c != null) {
                    for (Pool pc : c.pools()) {
                        if (pc.name().equals(node.pool())) {
                            cfg = pc;
                        }
                    }
                }
                p = new PoolState(byKey.size(), node.center(), node.pool(), node.accelerator(), c, cfg);
                byKey.put(key, p);
            }
            poolOf[i] = p.index;
            p.maxCards = Math.max(p.maxCards, node.cards());
        }
        pools = byKey.values().toArray(new PoolState[0]);
        int mc = 0;
        int mm = 0;
        for (NodeInfo node : nodes) {
            mc = Math.max(mc, node.cpuMilli());
            mm = Math.max(mm, node.cards() * 1000);
        }
        maxNodeCpu = Math.max(1, mc);
        maxNodeMilli = Math.max(1, mm);
        for (RunningJob r : s.running()) {
            for (TaskAllocation t : r.tasks()) {
                Integer i = nodeIndex.get(t.node());
                if (i != null) {
                    int[] cards = t.cards();
                    for (int c : cards) {
                        if (c >= 0 && c < nodes[i].cards()) {
                            int at = cardOffset[i] + c;
                            int before = freeMilli[at];
                            int after = before - t.milliPerCard();
                            freeMilli[at] = after;
                            if (before == 1000) {
                                freeWhole[i]--;
                            }
                        }
                    }
                    freeCpu[i] -= t.cpuMilli();
                    freeMem[i] -= t.memoryMiB();
                }
            }
        }
        for (PoolState p : pools) {
            p.head = new int[p.maxCards + 1];
            p.count = new int[p.maxCards + 1];
            java.util.Arrays.fill(p.head, -1);
            p.cellHead = new int[(p.maxCards + 1) * CPU_LEVELS];
            java.util.Arrays.fill(p.cellHead, -1);
        }
        for (int i = n - 1; i >= 0; i--) {
            PoolState p = pools[poolOf[i]];
            p.capacityMilli += nodes[i].cards() * 1000L;
            int pc = 0;
            for (int at = cardOffset[i]; at < cardOffset[i + 1]; at++) {
                if (freeMilli[at] > 0 && freeMilli[at] < 1000) {
                    pc++;
                }
            }
            partialCards[i] = pc;
            if (!nodes[i].schedulable()) {
                continue;
            }
            p.schedulableNodes++;
            link(i);
            if (pc > 0) {
                plink(i);
            }
        }
    }

    int cards(int node) {
        return nodes[node].cards();
    }

    private void link(int i) {
        PoolState p = pools[poolOf[i]];
        int k = Math.max(0, freeWhole[i]);
        int h = p.head[k];
        next[i] = h;
        prev[i] = -1;
        if (h >= 0) {
            prev[h] = i;
        }
        p.head[k] = i;
        p.count[k]++;
        p.freeWholeTotal += k;
        int cell = k * CPU_LEVELS + cpuLevel(i);
        int ch = p.cellHead[cell];
        cnext[i] = ch;
        cprev[i] = -1;
        if (ch >= 0) {
            cprev[ch] = i;
        }
        p.cellHead[cell] = i;
        cellOf[i] = cell;
    }

    /** The level of node i's free CPU: 0 .. CPU_LEVELS - 1, in fractions of its capacity. */
    int cpuLevel(int i) {
        int cap = nodes[i].cpuMilli();
        if (cap <= 0 || freeCpu[i] <= 0) {
            return 0;
        }
        return (int) Math.min(CPU_LEVELS - 1, (long) freeCpu[i] * CPU_LEVELS / cap);
    }

    int cellHead(PoolState p, int k, int level) {
        return p.cellHead[k * CPU_LEVELS + level];
    }

    int cellNext(int i) {
        return cnext[i];
    }

    private void unlink(int i) {
        PoolState p = pools[poolOf[i]];
        int k = Math.max(0, freeWhole[i]);
        if (prev[i] >= 0) {
            next[prev[i]] = next[i];
        } else {
            p.head[k] = next[i];
        }
        if (next[i] >= 0) {
            prev[next[i]] = prev[i];
        }
        p.count[k]--;
        p.freeWholeTotal -= k;
        int cell = cellOf[i];
        if (cprev[i] >= 0) {
            cnext[cprev[i]] = cnext[i];
        } else {
            p.cellHead[cell] = cnext[i];
        }
        if (cnext[i] >= 0) {
            cprev[cnext[i]] = cprev[i];
        }
    }

    private void plink(int i) {
        PoolState p = pools[poolOf[i]];
        pnext[i] = p.partialHead;
        pprev[i] = -1;
        if (p.partialHead >= 0) {
            pprev[p.partialHead] = i;
        }
        p.partialHead = i;
    }

    private void punlink(int i) {
        PoolState p = pools[poolOf[i]];
        if (pprev[i] >= 0) {
            pnext[pprev[i]] = pnext[i];
        } else {
            p.partialHead = pnext[i];
        }
        if (pnext[i] >= 0) {
            pprev[pnext[i]] = pprev[i];
        }
    }

    int bucketHead(PoolState p, int k) {
        return p.head[k];
    }

    int bucketNext(int i) {
        return next[i];
    }

    int partialHead(PoolState p) {
        return p.partialHead;
    }

    int partialNext(int i) {
        return pnext[i];
    }

    /** Applies (sign 1) or returns (sign -1) an allocation on node i, keeping buckets and lists right. */
    void apply(int i, TaskAllocation t, int sign) {
        apply(i, t.cards(), t.milliPerCard(), t.cpuMilli(), t.memoryMiB(), sign);
    }

    void apply(int i, int[] cards, int milliPerCard, int cpu, long mem, int sign) {
        boolean sched = nodes[i].schedulable();
        if (sched) {
            unlink(i);
        }
        boolean wasPartial = partialCards[i] > 0;
        int m = milliPerCard * sign;
        for (int c : cards) {
            int at = cardOffset[i] + c;
            int before = freeMilli[at];
            int after = before - m;
            freeMilli[at] = after;
            if (before == 1000) {
                freeWhole[i]--;
            }
            if (after == 1000) {
                freeWhole[i]++;
            }
            if (before > 0 && before < 1000) {
                partialCards[i]--;
            }
            if (after > 0 && after < 1000) {
                partialCards[i]++;
            }
        }
        freeCpu[i] -= cpu * sign;
        freeMem[i] -= mem * sign;
        if (sched) {
            link(i);
            boolean isPartial = partialCards[i] > 0;
            if (wasPartial && !isPartial) {
                punlink(i);
            } else if (!wasPartial && isPartial) {
                plink(i);
            }
        }
    }

    boolean allowed(int i, long jobEnd) {
        if (reservedUntil == null) {
            return true;
        }
        long r = reservedUntil[i];
        return r == 0 || jobEnd <= r;
    }

    void reserve(int i, long until) {
        if (reservedUntil == null) {
            reservedUntil = new long[nodes.length];
        }
        long r = reservedUntil[i];
        reservedUntil[i] = r == 0 ? Math.max(1, until) : Math.min(r, Math.max(1, until));
    }

    /** Running jobs of one pool (built on first use in a cycle). */
    List<RunningJob> running(PoolState p) {
        if (p.running == null) {
            for (PoolState q : pools) {
                q.running = new ArrayList<>();
            }
            Map<String, PoolState> byKey = new HashMap<>();
            for (PoolState q : pools) {
                byKey.put(q.center + "/" + q.name, q);
            }
            for (RunningJob r : snapshot.running()) {
                PoolState q = byKey.get(r.center() + "/" + r.pool());
                if (q == null && !r.tasks().isEmpty()) {
                    Integer i = nodeIndex.get(r.tasks().get(0).node());
                    q = i == null ? null : pools[poolOf[i]];
                }
                if (q != null) {
                    q.running.add(r);
                }
            }
        }
        return p.running;
    }

    /** How many tasks of the given size node i can take now (0..limit). */
    int tasksFit(int i, int milli, int cpu, long mem, int limit) {
        int byCards;
        if (milli >= 1000) {
            byCards = freeWhole[i] / (milli / 1000);
        } else {
            byCards = limit;
        }
        int n = Math.min(byCards, limit);
        if (cpu > 0) {
            n = Math.min(n, freeCpu[i] / cpu);
        } else if (freeCpu[i] < 0) {
            n = 0;
        }
        if (mem > 0) {
            n = (int) Math.min(n, freeMem[i] / mem);
        } else if (freeMem[i] < 0) {
            n = 0;
        }
        return Math.max(0, n);
    }
}
