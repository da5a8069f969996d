package io.computegrid.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The common end of both preempt plugins: among the candidates, the fewest victims that make room for the
 * job in the pool; then the target nodes are reserved for the rest of the cycle, each victim is recorded
 * with its reason and the work it loses, and the job waits PREEMPTING (it starts in a later cycle, once the
 * victims have stopped).
 */
final class Evictions {
    private Evictions() {
    }

    /**
     * @param why    the plugin's reason for one victim, before "; loses ... s of work ..."
     * @param victims how the waiting reason names the victims ("job(s) [..] of a lower LAS queue")
     * @return false when no set of candidates makes room (nothing recorded)
     */
    static boolean evict(Cycle cy, Cluster.PoolState p, PendingJob job, List<RunningJob> candidates, String plugin,
                         Function<RunningJob, String> why, Function<List<Long>, String> victims) {
        Projection pr = new Projection(cy.cluster, p, job);
        List<RunningJob> chosen = pr.fewestVictims(candidates, job.tasks());
        if (chosen == null) {
            return false;
        }
        List<Integer> nodes = pr.choose(job.tasks());
        if (nodes == null) {
            return false;
        }
        for (int i : nodes) {
            cy.cluster.reserve(i, cy.now);
        }
        List<Long> ids = new ArrayList<>();
        for (RunningJob r : chosen) {
            cy.victims.add(r.id());
            ids.add(r.id());
            long lost = cy.now - Math.max(r.startedAt(), r.lastCheckpointAt());
            cy.preemptions.add(new Preemption(r.id(), job.id(), new Reason(plugin, "PREEMPTED", why.apply(r)
                    + "; loses " + lost / 1000 + " s of work since its last checkpoint; makes room for job " + job.id()
                    + " in " + p.label(), -1, job.id())));
        }
        cy.reservations.add(new Reservation(job.id(), p.center, p.name, cy.now));
        cy.waiting.put(job.id(), new Reason(plugin, "PREEMPTING", "preempting " + victims.apply(ids) + " in "
                + p.label() + " to make room; starts in a following cycle once they stopped", cy.now, ids.get(0)));
        return true;
    }
}
