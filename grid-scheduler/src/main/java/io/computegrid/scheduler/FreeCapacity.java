package io.computegrid.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Free capacity per node, derived from a snapshot: milli-cards free on each card, CPU and memory.
 * Tentative allocations can be taken and given back (gangs are transactions: all tasks are taken,
 * then kept or returned in reverse).
 */
public final class FreeCapacity {
    final List<NodeInfo> nodes;
    final Map<String, Integer> index = new HashMap<>();
    final int[][] freeMilli;
    final int[] freeCpu;
    final long[] freeMem;

    public FreeCapacity(Snapshot s) {
        this.nodes = s.nodes();
        int n = nodes.size();
        freeMilli = new int[n][];
        freeCpu = new int[n];
        freeMem = new long[n];
        for (int i = 0; i < n; i++) {
            NodeInfo node = nodes.get(i);
            index.put(node.name(), i);
            freeMilli[i] = new int[node.cards()];
            java.util.Arrays.fill(freeMilli[i], 1000);
            freeCpu[i] = node.cpuMilli();
            freeMem[i] = node.memoryMiB();
        }
        for (RunningJob r : s.running()) {
            for (TaskAllocation t : r.tasks()) {
                Integer i = index.get(t.node());
                if (i != null) {
                    take(i, t);
                }
            }
        }
    }

    public int nodeIndex(String name) {
        Integer i = index.get(name);
        return i == null ? -1 : i;
    }

    public NodeInfo node(int i) {
        return nodes.get(i);
    }

    public int size() {
        return nodes.size();
    }

    void take(int i, TaskAllocation t) {
        for (int c : t.cards()) {
            freeMilli[i][c] -= t.milliPerCard();
        }
        freeCpu[i] -= t.cpuMilli();
        freeMem[i] -= t.memoryMiB();
    }

    void give(int i, TaskAllocation t) {
        for (int c : t.cards()) {
            freeMilli[i][c] += t.milliPerCard();
        }
        freeCpu[i] += t.cpuMilli();
        freeMem[i] += t.memoryMiB();
    }

    /** Whole free cards on a node. */
    public int freeCards(int i) {
        int n = 0;
        for (int m : freeMilli[i]) {
            if (m == 1000) {
                n++;
            }
        }
        return n;
    }

    /**
     * Tries to fit one task on node {@code i}: whole cards take fully free cards (lowest indices
     * first); a fraction takes the fullest card that still has room (best fit, to keep whole cards whole).
     */
    public TaskAllocation fit(int i, int taskIndex, int milliCards, int cpu, long mem) {
        NodeInfo node = nodes.get(i);
        if (!node.schedulable() || freeCpu[i] < cpu || freeMem[i] < mem) {
            return null;
        }
        int[] free = freeMilli[i];
        if (milliCards == 0) {
            return new TaskAllocation(taskIndex, node.name(), new int[0], 1000, cpu, mem);
        }
        if (milliCards < 1000) {
            int best = -1;
            for (int c = 0; c < free.length; c++) {
                if (free[c] >= milliCards && (best < 0 || free[c] < free[best])) {
                    best = c;
                }
            }
            return best < 0 ? null : new TaskAllocation(taskIndex, node.name(), new int[]{best}, milliCards, cpu, mem);
        }
        int want = milliCards / 1000;
        List<Integer> got = new ArrayList<>(want);
        for (int c = 0; c < free.length && got.size() < want; c++) {
            if (free[c] == 1000) {
                got.add(c);
            }
        }
        if (got.size() < want) {
            return null;
        }
        return new TaskAllocation(taskIndex, node.name(), got.stream().mapToInt(Integer::intValue).toArray(), 1000,
                cpu, mem);
    }

    /** Records a tentative allocation. */
    public void commit(TaskAllocation t) {
        take(index.get(t.node()), t);
    }

    /** Returns a tentative allocation. */
    public void rollback(TaskAllocation t) {
        give(index.get(t.node()), t);
    }
}
