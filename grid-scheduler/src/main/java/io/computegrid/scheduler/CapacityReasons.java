package io.computegrid.scheduler;

import java.util.List;

/**
 * The words of a wait for room: what a job needs, the best pool it has, and whether it stands behind
 * the backfill reservation. Reasons are shared by jobs of the same shape until the next start changes
 * free capacity, so a full cluster does not build one string per pending job.
 */
final class CapacityReasons {
    private CapacityReasons() {
    }

    private record Shape(Object resources, int tasks, Object centers, boolean pastReservation) {
    }

    /** Why a job has no room now ({@code end}: when it would have to end if placed now). */
    static Reason of(Cycle cy, PendingJob job, List<Cluster.PoolState> pools, long end) {
        boolean past = cy.headReservation != null && end > cy.headReservation.startAt();
        Shape key = new Shape(job.perTask(), job.tasks(), job.centers(), past);
        Reason cached = cy.capacityReasons.get(key);
        if (cached != null && (!past || job.maxRuntimeMillis() == 0)) {
            return cached;
        }
        Reason r;
        if (past) {
            Reservation res = cy.headReservation;
            r = new Reason(EasyBackfill.NAME, "BEHIND_RESERVATION", "behind the reservation of job "
                    + res.jobId() + " in " + res.center() + "/" + res.pool() + " starting in "
                    + seconds(res.startAt() - cy.now) + ": this job "
                    + (job.maxRuntimeMillis() > 0 ? "may run " + seconds(job.maxRuntimeMillis()) + ", past it"
                    : "has no runtime limit") + "; " + text(job, pools), -1, res.jobId());
        } else {
            r = new Reason(GangPlacer.NAME, "CAPACITY", text(job, pools));
        }
        cy.capacityReasons.put(key, r);
        return r;
    }

    /** What the job needs and the pool with the most free cards among its candidates. */
    static String text(PendingJob job, List<Cluster.PoolState> pools) {
        Cluster.PoolState best = pools.get(0);
        for (Cluster.PoolState p : pools) {
            if (p.freeWholeTotal > best.freeWholeTotal) {
                best = p;
            }
        }
        return "needs " + job.tasks() + " task(s) of " + describe(job) + " in one pool; best of " + pools.size()
                + " pool(s) is " + best.label() + " with " + best.freeWholeTotal + " free cards, at most "
                + best.largestFree() + " on one node";
    }

    /** A duration in words: "45 s", "9 min", "2 h 5 min". */
    static String seconds(long millis) {
        long s = millis / 1000;
        return s >= 3600 ? s / 3600 + " h " + (s % 3600) / 60 + " min" : s >= 60 ? s / 60 + " min" : s + " s";
    }

    /** A task's request in words: "2 card(s) of nvidia-a100|ascend-910b", "500 milli-cards of any model". */
    static String describe(PendingJob job) {
        int m = job.perTask().milliCards();
        String cards = m % 1000 == 0 ? (m / 1000) + " card(s)" : m + " milli-cards";
        StringBuilder models = new StringBuilder();
        for (var a : job.perTask().accelerators()) {
            models.append(models.length() == 0 ? "" : "|").append(a.model());
        }
        return cards + " of " + (models.length() == 0 ? "any model" : models);
    }
}
