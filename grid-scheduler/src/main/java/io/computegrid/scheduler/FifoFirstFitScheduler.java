package io.computegrid.scheduler;

import io.computegrid.model.Clock;
import io.computegrid.model.Quota;
import io.computegrid.model.Tenant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first scheduler: strict arrival order, first fit, gangs all-or-nothing, nominal quota per
 * tenant and model. A job over quota is skipped (it does not hold up others); the first job
 * that does not fit for lack of free cards blocks everything behind it (no backfill).
 */
public final class FifoFirstFitScheduler implements Scheduler {
    public static final String NAME = "fifo-firstfit";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Plan schedule(Snapshot snapshot, Clock clock) {
        FreeCapacity free = new FreeCapacity(snapshot);
        Map<String, Tenant> tenants = new HashMap<>();
        snapshot.federation().tenants().forEach(t -> tenants.put(t.name(), t));
        Map<String, Long> used = new HashMap<>(); // tenant|model -> milli-cards held
        for (RunningJob r : snapshot.running()) {
            used.merge(r.tenant() + "|" + r.accelerator(), r.milliCards(), Long::sum);
        }
        List<PendingJob> queue = new ArrayList<>(snapshot.pending());
        queue.sort(Comparator.comparingLong(PendingJob::order));
        List<Placement> starts = new ArrayList<>();
        Map<Long, Reason> waiting = new LinkedHashMap<>();
        PendingJob blocker = null;
        for (PendingJob job : queue) {
            if (blocker != null) {
                waiting.put(job.id(), new Reason("fifo", "BEHIND", "waiting behind job " + blocker.id()
                        + " (strict arrival order, no backfill)"));
                continue;
            }
            Reason quotaBlock = null;
            Placement placed = null;
            for (List<Integer> pool : pools(free, job)) {
                String model = free.node(pool.get(0)).accelerator();
                if (job.perTask().milliCards() > 0) {
                    Reason q = quota(tenants.get(job.tenant()), model, used.getOrDefault(job.tenant() + "|" + model, 0L),
                            job.totalMilliCards());
                    if (q != null) {
                        quotaBlock = q;
                        continue;
                    }
                }
                placed = gang(free, job, pool);
                if (placed != null) {
                    break;
                }
            }
            if (placed != null) {
                starts.add(placed);
                used.merge(job.tenant() + "|" + placed.accelerator(), job.totalMilliCards(), Long::sum);
            } else if (quotaBlock != null) {
                waiting.put(job.id(), quotaBlock);
            } else {
                waiting.put(job.id(), new Reason("firstfit", "CAPACITY", "not enough free cards, CPU or memory for "
                        + job.tasks() + " task(s) of " + describe(job) + " in any one pool"));
                blocker = job;
            }
        }
        return new Plan(starts, List.of(), List.of(), waiting);
    }

    static String describe(PendingJob job) {
        int m = job.perTask().milliCards();
        String cards = m % 1000 == 0 ? (m / 1000) + " card(s)" : m + " milli-cards";
        String models = job.perTask().accelerators().isEmpty() ? "any model"
                : String.join("|", job.perTask().accelerators().stream().map(a -> a.model()).toList());
        return cards + " of " + models;
    }

    private static Reason quota(Tenant t, String model, long usedMilli, long wantMilli) {
        if (t == null) {
            return new Reason("quota", "QUOTA", "tenant has no quota");
        }
        Quota q = t.quotaFor(model).orElse(null);
        if (q == null) {
            return new Reason("quota", "QUOTA", "tenant " + t.name() + " has no quota for " + model);
        }
        long nominal = q.nominal() * 1000L;
        if (usedMilli + wantMilli > nominal) {
            return new Reason("quota", "QUOTA", "tenant " + t.name() + " uses " + usedMilli / 1000.0 + " of "
                    + q.nominal() + " " + model + " cards; this job needs " + wantMilli / 1000.0 + " more");
        }
        return null;
    }

    /** Nodes grouped by (center, pool), in snapshot order, restricted to pools the job accepts. */
    private static List<List<Integer>> pools(FreeCapacity free, PendingJob job) {
        Map<String, List<Integer>> byPool = new LinkedHashMap<>();
        for (int i = 0; i < free.size(); i++) {
            NodeInfo n = free.node(i);
            if (job.perTask().milliCards() > 0 && !job.perTask().accepts(n.accelerator())) {
                continue;
            }
            if (!job.centers().isEmpty() && !job.centers().contains(n.center())) {
                continue;
            }
            byPool.computeIfAbsent(n.center() + "/" + n.pool(), k -> new ArrayList<>()).add(i);
        }
        return new ArrayList<>(byPool.values());
    }

    private static Placement gang(FreeCapacity free, PendingJob job, List<Integer> pool) {
        List<TaskAllocation> taken = new ArrayList<>();
        int node = 0;
        for (int t = 0; t < job.tasks(); t++) {
            TaskAllocation a = null;
            while (node < pool.size()) {
                a = free.fit(pool.get(node), t, job.perTask().milliCards(), job.perTask().cpuMilli(),
                        job.perTask().memoryMiB());
                if (a != null) {
                    break;
                }
                node++;
            }
            if (a == null) {
                for (int k = taken.size() - 1; k >= 0; k--) {
                    free.rollback(taken.get(k));
                }
                return null;
            }
            free.commit(a);
            taken.add(a);
        }
        NodeInfo first = free.node(pool.get(0));
        return new Placement(job.id(), first.center(), first.pool(), first.accelerator(), taken,
                new Reason("firstfit", "PLACED", "first pool in arrival order with room: " + first.center() + "/"
                        + first.pool()));
    }
}
