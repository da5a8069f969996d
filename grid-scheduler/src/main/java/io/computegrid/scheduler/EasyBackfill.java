package io.computegrid.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * Plugin "backfill": EASY backfill as Slurm does it. The first job that cannot start for lack of
 * capacity gets a reservation: the earliest time some pool it accepts has room for the whole gang,
 * from running jobs' end times (their runtime limits; {@code assumedRuntimeSeconds} for jobs without
 * one), and the nodes it will use then. Later jobs may use those nodes only if their own limit ends
 * before the reservation starts, so a backfilled job never delays it.
 */
final class EasyBackfill implements Plugin {
    static final String NAME = "backfill";

    @Override
    public String name() {
        return NAME;
    }

    private final boolean fairShare;

    EasyBackfill() {
        this(false);
    }

    /**
     * @param fairShare under fair-share ordering a reservation is first sought on cards other tenants free
     *                  (the job's own running jobs kept running): the first blocked job belongs to the
     *                  tenant lowest in share, and it takes the cards its own jobs free anyway, being first
     *                  in line; a reservation on those would gain it nothing, while tenants ahead of it
     *                  refill every piece they free. Only when other tenants' work never frees enough room
     *                  does the plain earliest-start reservation apply.
     */
    EasyBackfill(boolean fairShare) {
        this.fairShare = fairShare;
    }

    /** Makes the reservation for a job blocked by capacity; null when no estimate exists. */
    Reservation reserve(Cycle cy, PendingJob job, List<Cluster.PoolState> pools) {
        Reservation r = fairShare ? reserve(cy, job, pools, job.tenant()) : null;
        return r != null ? r : reserve(cy, job, pools, null);
    }

    /** The reservation from running jobs' ends, never releasing jobs of {@code keep} (null: release all). */
    private Reservation reserve(Cycle cy, PendingJob job, List<Cluster.PoolState> pools, String keep) {
        long best = Long.MAX_VALUE;
        Cluster.PoolState bestPool = null;
        List<Integer> bestNodes = null;
        for (Cluster.PoolState p : pools) {
            Projection pr = new Projection(cy.cluster, p, job);
            List<RunningJob> rs = new ArrayList<>(cy.runningWithStarts(p));
            if (keep != null) {
                rs.removeIf(x -> x.tenant().equals(keep));
            }
            rs.sort((a, b) -> {
                int c = Long.compare(cy.expectedEnd(a), cy.expectedEnd(b));
                return c != 0 ? c : Long.compare(a.id(), b.id());
            });
            long at = cy.now;
            List<Integer> nodes = pr.choose(job.tasks());
            for (int k = 0; nodes == null && k < rs.size(); k++) {
                RunningJob r = rs.get(k);
                if (cy.victims.contains(r.id())) {
                    continue;
                }
                pr.release(r, 1);
                at = cy.expectedEnd(r);
                if (pr.total >= job.tasks()) {
                    // everything ending at the same moment is free then too
                    while (k + 1 < rs.size() && cy.expectedEnd(rs.get(k + 1)) == at) {
                        pr.release(rs.get(++k), 1);
                    }
                    nodes = pr.choose(job.tasks());
                }
            }
            if (nodes != null && at < best) {
                best = at;
                bestPool = p;
                bestNodes = nodes;
            }
        }
        if (bestPool == null) {
            return null;
        }
        for (int i : bestNodes) {
            cy.cluster.reserve(i, best);
        }
        return new Reservation(job.id(), bestPool.center, bestPool.name, best);
    }
}
