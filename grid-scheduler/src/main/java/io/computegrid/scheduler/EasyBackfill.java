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

    /** Makes the reservation for a job blocked by capacity; null when no estimate exists. */
    Reservation reserve(Cycle cy, PendingJob job, List<Cluster.PoolState> pools) {
        long best = Long.MAX_VALUE;
        Cluster.PoolState bestPool = null;
        List<Integer> bestNodes = null;
        for (Cluster.PoolState p : pools) {
            Projection pr = new Projection(cy.cluster, p, job);
            List<RunningJob> rs = new ArrayList<>(cy.runningWithStarts(p));
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
