package io.computegrid.bench;

import io.computegrid.model.Clock;
import io.computegrid.scheduler.NodeInfo;
import io.computegrid.scheduler.PendingJob;
import io.computegrid.scheduler.Placement;
import io.computegrid.scheduler.Plan;
import io.computegrid.scheduler.Reason;
import io.computegrid.scheduler.RunningJob;
import io.computegrid.scheduler.Scheduler;
import io.computegrid.scheduler.Snapshot;
import io.computegrid.scheduler.TaskAllocation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The naive reference: arrival order, every job scans every node from the first (full scan, first fit),
 * gangs all-or-nothing within one pool, no quotas, no index. What the benchmark compares against.
 */
public final class NaiveScheduler implements Scheduler {
    @Override
    public String name() {
        return "naive";
    }

    @Override
    public Plan schedule(Snapshot s, Clock clock) {
        List<NodeInfo> nodes = s.nodes();
        int n = nodes.size();
        Map<String, Integer> index = new HashMap<>();
        int[][] free = new int[n][];
        int[] cpu = new int[n];
        long[] mem = new long[n];
        for (int i = 0; i < n; i++) {
            NodeInfo node = nodes.get(i);
            index.put(node.name(), i);
            free[i] = new int[node.cards()];
            java.util.Arrays.fill(free[i], 1000);
            cpu[i] = node.cpuMilli();
            mem[i] = node.memoryMiB();
        }
        for (RunningJob r : s.running()) {
            for (TaskAllocation t : r.tasks()) {
                Integer i = index.get(t.node());
                for (int c : t.cards()) {
                    free[i][c] -= t.milliPerCard();
                }
                cpu[i] -= t.cpuMilli();
                mem[i] -= t.memoryMiB();
            }
        }
        List<Placement> starts = new ArrayList<>();
        Map<Long, Reason> waiting = new HashMap<>();
        Reason none = new Reason("naive", "CAPACITY", "no room");
        for (PendingJob job : s.pending()) {
            int milli = job.perTask().milliCards();
            List<TaskAllocation> got = new ArrayList<>();
            String pool = null;
            for (int i = 0; i < n && got.size() < job.tasks(); i++) {
                NodeInfo node = nodes.get(i);
                if (!node.schedulable() || !job.perTask().accepts(node.accelerator())
                        || (pool != null && !pool.equals(node.center() + "/" + node.pool()))) {
                    continue;
                }
                while (got.size() < job.tasks() && cpu[i] >= job.perTask().cpuMilli()
                        && mem[i] >= job.perTask().memoryMiB()) {
                    int[] cards = take(free[i], milli);
                    if (cards == null) {
                        break;
                    }
                    int per = milli >= 1000 ? 1000 : milli;
                    for (int c : cards) {
                        free[i][c] -= per;
                    }
                    cpu[i] -= job.perTask().cpuMilli();
                    mem[i] -= job.perTask().memoryMiB();
                    got.add(new TaskAllocation(got.size(), node.name(), cards, per, job.perTask().cpuMilli(),
                            job.perTask().memoryMiB()));
                    pool = node.center() + "/" + node.pool();
                }
            }
            if (got.size() == job.tasks()) {
                NodeInfo first = nodes.get(index.get(got.get(0).node()));
                starts.add(new Placement(job.id(), first.center(), first.pool(), first.accelerator(), got,
                        new Reason("naive", "PLACED", "first fit")));
            } else {
                for (TaskAllocation t : got) {
                    int i = index.get(t.node());
                    for (int c : t.cards()) {
                        free[i][c] += t.milliPerCard();
                    }
                    cpu[i] += t.cpuMilli();
                    mem[i] += t.memoryMiB();
                }
                waiting.put(job.id(), none);
            }
        }
        return new Plan(starts, List.of(), List.of(), waiting);
    }

    private static int[] take(int[] free, int milli) {
        if (milli < 1000) {
            for (int c = 0; c < free.length; c++) {
                if (free[c] >= milli) {
                    return new int[]{c};
                }
            }
            return null;
        }
        int want = milli / 1000;
        int[] out = new int[want];
        int k = 0;
        for (int c = 0; c < free.length && k < want; c++) {
            if (free[c] == 1000) {
                out[k++] = c;
            }
        }
        return k == want ? out : null;
    }
}
