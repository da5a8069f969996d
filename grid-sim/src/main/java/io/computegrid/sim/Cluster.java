package io.computegrid.sim;

import io.computegrid.config.FederationConfig;
import io.computegrid.model.Center;
import io.computegrid.model.Pool;
import io.computegrid.scheduler.NodeInfo;
import io.computegrid.scheduler.TaskAllocation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The in-memory stand-in for the nodes: one {@link NodeInfo} per node of every pool, named
 * {@code center/pool/index}, and what is free on each. Every allocation a plan makes is checked
 * here, so a scheduler that double-books a card fails the replay instead of skewing it.
 */
final class Cluster {
    final List<NodeInfo> nodes;
    final Map<String, Integer> index = new HashMap<>();
    final int[] centerOf;
    final List<String> centers = new ArrayList<>();
    final int[][] freeMilli;
    final int[] freeCpu;
    final long[] freeMem;
    final long gpuCapacityMilli;

    Cluster(FederationConfig fed) {
        List<NodeInfo> list = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        long cap = 0;
        for (Center c : fed.centers()) {
            int ci = centers.size();
            centers.add(c.name());
            for (Pool p : c.pools()) {
                for (int i = 0; i < p.nodes(); i++) {
                    list.add(new NodeInfo(c.name() + "/" + p.name() + "/" + i, c.name(), p.name(), p.accelerator(),
                            p.acceleratorsPerNode(), p.cpuMilliPerNode(), p.memoryMiBPerNode(), true));
                    owner.add(ci);
                    cap += p.acceleratorsPerNode() * 1000L;
                }
            }
        }
        nodes = List.copyOf(list);
        gpuCapacityMilli = cap;
        int n = nodes.size();
        centerOf = new int[n];
        freeMilli = new int[n][];
        freeCpu = new int[n];
        freeMem = new long[n];
        for (int i = 0; i < n; i++) {
            NodeInfo node = nodes.get(i);
            if (index.put(node.name(), i) != null) {
                throw new IllegalArgumentException("duplicate node name " + node.name());
            }
            centerOf[i] = owner.get(i);
            freeMilli[i] = new int[node.cards()];
            Arrays.fill(freeMilli[i], 1000);
            freeCpu[i] = node.cpuMilli();
            freeMem[i] = node.memoryMiB();
        }
    }

    int centerIndex(String name) {
        return centers.indexOf(name);
    }

    /** Nodes of one center, in order (for per-center partitions). */
    List<NodeInfo> nodesOf(int center) {
        List<NodeInfo> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (centerOf[i] == center) {
                out.add(nodes.get(i));
            }
        }
        return List.copyOf(out);
    }

    /** Checks that a whole gang fits as allocated, then takes it; throws naming the conflict otherwise. */
    void take(long jobId, List<TaskAllocation> tasks) {
        for (int k = 0; k < tasks.size(); k++) {
            TaskAllocation t = tasks.get(k);
            String problem = check(t);
            if (problem != null) {
                for (int r = k - 1; r >= 0; r--) {
                    give(tasks.get(r));
                }
                throw new IllegalStateException("the plan places job " + jobId + " " + t + ": " + problem);
            }
            apply(t, -1);
        }
    }

    void give(List<TaskAllocation> tasks) {
        for (TaskAllocation t : tasks) {
            give(t);
        }
    }

    private void give(TaskAllocation t) {
        apply(t, +1);
    }

    private String check(TaskAllocation t) {
        Integer i = index.get(t.node());
        if (i == null) {
            return "no such node";
        }
        if (freeCpu[i] < t.cpuMilli() || freeMem[i] < t.memoryMiB()) {
            return "not enough CPU or memory left";
        }
        int[] cards = t.cards();
        int[] free = freeMilli[i];
        for (int c : cards) {
            if (c < 0 || c >= free.length) {
                return "no card " + c;
            }
            if (free[c] < t.milliPerCard()) {
                return "card " + c + " has only " + free[c] + " milli-cards free";
            }
        }
        for (int a = 0; a < cards.length; a++) {
            for (int b = a + 1; b < cards.length; b++) {
                if (cards[a] == cards[b]) {
                    return "card " + cards[a] + " listed twice";
                }
            }
        }
        return null;
    }

    private void apply(TaskAllocation t, int sign) {
        int i = index.get(t.node());
        for (int c : t.cards()) {
            freeMilli[i][c] += sign * t.milliPerCard();
        }
        freeCpu[i] += sign * t.cpuMilli();
        freeMem[i] += sign * t.memoryMiB();
    }

    /** Milli-cards of accelerators allocated right now. */
    long allocatedGpuMilli() {
        long free = 0;
        for (int[] node : freeMilli) {
            for (int m : node) {
                free += m;
            }
        }
        return gpuCapacityMilli - free;
    }
}
