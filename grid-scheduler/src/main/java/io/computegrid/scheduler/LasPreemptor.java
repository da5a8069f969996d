package io.computegrid.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Plugin "las-preempt" (policy {@code las} only): Tiresias' discretised 2D-LAS preemption. A job's
 * queue is the number of thresholds ({@code scheduler.las.thresholdsCardSeconds}) its attained service
 * has crossed: a pending job's {@link PendingJob#attainedServiceMillis()}, a running job's service of
 * earlier attempts plus cards x time since this attempt started ({@link RunningJob#attainedCardSeconds}). A running job is
 * demoted as it crosses a threshold, and a job that finds no room may preempt running jobs in a strictly
 * lower queue (higher index). Never a job inside its minimum runtime, nor one of a higher priority class
 * than the preemptor's, nor a serving replica of the preemptor's priority or above (a replica's service grows
 * without end, so LAS alone would demote every replica); jobs in the same queue never preempt each other, so a preempted job (which keeps
 * its attained service and so its queue) cannot preempt back. Victims: lowest queue first, then most
 * attained service, then least work since the last checkpoint; unnecessary victims are dropped. The
 * preemptor starts in a later cycle; its target nodes are reserved for the rest of this cycle. A job
 * promoted by starvation avoidance ({@code scheduler.las.starveFactor}) counts as the first queue here too.
 */
final class LasPreemptor implements PreemptPlugin {
    static final String NAME = "las-preempt";

    @Override
    public String name() {
        return NAME;
    }

    /** The queue for some attained card-seconds: how many thresholds it reached. */
    static int queue(long cardSeconds, List<Long> thresholds) {
        int q = 0;
        while (q < thresholds.size() && cardSeconds >= thresholds.get(q)) {
            q++;
        }
        return q;
    }

    @Override
    public boolean tryPreempt(Cycle cy, PendingJob job, List<Cluster.PoolState> pools, Ledger.TenantState tenant) {
        if (!cy.settings.preemption() || cy.preemptAttempts >= cy.settings.maxPreemptionAttempts()) {
            return false;
        }
        List<Long> th = cy.settings.lasThresholdsCardSeconds();
        int mine = SortedOrder.lasQueue(job, cy.settings, cy.now);
        if (mine >= th.size()) {
            return false; // already in the lowest queue: nothing is below it
        }
        boolean attempted = false;
        for (Cluster.PoolState p : pools) {
            List<RunningJob> sorted = cy.lasVictims.computeIfAbsent(p.index, k -> {
                List<RunningJob> rs = new ArrayList<>();
                for (RunningJob r : cy.cluster.running(p)) {
                    if (cy.now - r.startedAt() >= r.minRuntimeMillis() && queue(r.attainedCardSeconds(cy.now), th) > 0) {
                        rs.add(r);
                    }
                }
                rs.sort(Comparator.comparingInt((RunningJob r) -> -queue(r.attainedCardSeconds(cy.now), th))
                        .thenComparingLong(r -> -r.attainedCardSeconds(cy.now))
                        .thenComparingLong(r -> cy.now - Math.max(r.startedAt(), r.lastCheckpointAt()))
                        .thenComparingLong(RunningJob::id));
                return rs;
            });
            List<RunningJob> cands = new ArrayList<>();
            for (RunningJob r : sorted) {
                if (queue(r.attainedCardSeconds(cy.now), th) <= mine) {
                    break; // sorted by queue, lowest first: the rest are in the job's queue or above
                }
                if (!cy.victims.contains(r.id()) && r.priority() <= job.priority()
                        && !Preemptor.shieldedServing(r, job)) {
                    cands.add(r);
                }
            }
            if (cands.isEmpty()) {
                continue;
            }
            if (!attempted) {
                attempted = true;
                cy.preemptAttempts++;
            }
            if (Evictions.evict(cy, p, job, cands, NAME, r -> {
                long att = r.attainedCardSeconds(cy.now);
                return "LAS queue " + mine + " over queue " + queue(att, th) + ": attained " + att
                        + " card-seconds (thresholds " + th + ") against " + job.attainedServiceMillis() / 1000;
            }, ids -> "job(s) " + ids + " of a lower LAS queue")) {
                return true;
            }
        }
        return false;
    }
}
