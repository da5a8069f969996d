package io.computegrid.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plugin "preempt": makes room for a job that cannot start, by stopping running jobs that may lose
 * their cards to it:
 * <ul>
 * <li>quota reclaim: the job stays within its tenant's nominal quota and has waited at least
 * {@code reclaimGraceSeconds}: other tenants' borrowed work (beyond their nominal) may be preempted,
 * whatever its priority;</li>
 * <li>priority: work of a lower priority class may be preempted if it is the same tenant's, borrowed,
 * or preemptible (spot);</li>
 * <li>serving: a serving replica may preempt training of a lower priority class listed in
 * {@code scheduler.preemption.servingPreempts} (default low and spot), in quota or not, of any tenant.</li>
 * </ul>
 * Training never preempts a serving replica of equal or higher priority, not even to reclaim quota.
 * In-quota work of equal or higher priority is never a victim, nor a job inside its minimum runtime, nor
 * a restarted job inside its restart protection. The reclaim grace counts from when the job was queued
 * (its submission, or the end of its last attempt).
 * Victims are chosen to lose the least: borrowed before nominal, lower priority first, then the least
 * work since the last checkpoint; victims that turn out unnecessary are dropped again. The preemptor
 * starts in a later cycle; its target nodes are reserved for the rest of this cycle.
 */
final class Preemptor implements PreemptPlugin {
    static final String NAME = "preempt";
    @Override
    public String name() {
        return NAME;
    }

    /** Per pool and cycle: running jobs outside their minimum runtime, cheapest victims first. */
    static final class PoolVictims {
        final List<RunningJob> sorted;
        final int minPriority;
        final Set<String> borrowingTenants;

        PoolVictims(List<RunningJob> sorted, int minPriority, Set<String> borrowingTenants) {
            this.sorted = sorted;
            this.minPriority = minPriority;
            this.borrowingTenants = borrowingTenants;
        }
    }

    private PoolVictims victims(Cycle cy, Cluster.PoolState p) {
        return cy.poolVictims.computeIfAbsent(p.index, k -> {
            List<RunningJob> rs = new ArrayList<>();
            int min = Integer.MAX_VALUE;
            Set<String> borrowing = new HashSet<>();
            for (RunningJob r : cy.cluster.running(p)) {
                if (cy.now - r.startedAt() < r.minRuntimeMillis() || restartProtected(cy, r)) {
                    continue;
                }
                rs.add(r);
                min = Math.min(min, r.priority());
                if (isBorrowed(cy, r)) {
                    borrowing.add(r.tenant());
                }
            }
            rs.sort(Comparator.comparingInt((RunningJob r) -> isBorrowed(cy, r) ? 0 : 1)
                    .thenComparingInt(RunningJob::priority)
                    .thenComparingLong(r -> cy.now - Math.max(r.startedAt(), r.lastCheckpointAt()))
                    .thenComparingLong(r -> -r.startedAt())
                    .thenComparingLong(RunningJob::id));
            return new PoolVictims(rs, min, borrowing);
        });
    }

    /** A serving replica is never the victim of training of equal or lower priority (training waits for it). */
    static boolean shieldedServing(RunningJob victim, PendingJob job) {
        return victim.serving() && !job.serving() && victim.priority() >= job.priority();
    }

    /** The serving rule: a replica over training of a lower class listed in {@code servingPreempts}. */
    static boolean servingOverTraining(Cycle cy, RunningJob victim, PendingJob job) {
        return job.serving() && !victim.serving() && victim.priority() < job.priority()
                && cy.settings.servingPreemptsPriorities().contains(victim.priority());
    }

    /**
     * A job restarted after losing an earlier attempt (it has service from before) is no victim until it
     * has run {@code preemption.restartProtectionSeconds} in this attempt: the newest borrowed job is always
     * the cheapest victim, so without this the same restarted job can be preempted again and again.
     */
    static boolean restartProtected(Cycle cy, RunningJob r) {
        return r.attainedBeforeMillis() > 0 && cy.now - r.startedAt() < cy.settings.restartProtectionMillis();
    }

    /** True when victims were chosen (preemptions and a reservation are recorded in the cycle). */
    @Override
    public boolean tryPreempt(Cycle cy, PendingJob job, List<Cluster.PoolState> pools, Ledger.TenantState tenant) {
        if (!cy.settings.preemption() || cy.preemptAttempts >= cy.settings.maxPreemptionAttempts()) {
            return false;
        }
        boolean attempted = false;
        for (Cluster.PoolState p : pools) {
            int model = cy.ledger.modelIndex.getOrDefault(p.model, -1);
            boolean reclaim = model >= 0 && cy.ledger.withinNominal(tenant, model, job.totalMilliCards())
                    && cy.now - job.queuedAt() >= cy.settings.reclaimGraceMillis();
            PoolVictims pv = victims(cy, p);
            boolean someBorrowedOther = pv.borrowingTenants.size() > (pv.borrowingTenants.contains(job.tenant()) ? 1 : 0);
            if (!(reclaim && someBorrowedOther) && job.priority() <= pv.minPriority) {
                continue;
            }
            if (!attempted) {
                attempted = true;
                cy.preemptAttempts++;
            }
            List<RunningJob> cands = new ArrayList<>();
            for (RunningJob r : pv.sorted) {
                if (cy.victims.contains(r.id())) {
                    continue;
                }
                if (shieldedServing(r, job)) {
                    continue;
                }
                boolean b = isBorrowed(cy, r);
                boolean lower = r.priority() < job.priority();
                boolean sameTenant = r.tenant().equals(job.tenant());
                if ((reclaim && b && !sameTenant) || (lower && (sameTenant || b || r.preemptible()))
                        || servingOverTraining(cy, r, job)) {
                    cands.add(r);
                }
            }
            if (cands.isEmpty()) {
                continue;
            }
            if (Evictions.evict(cy, p, job, cands, NAME, r -> {
                boolean b = isBorrowed(cy, r);
                if (servingOverTraining(cy, r, job) && !b && !r.preemptible() && !r.tenant().equals(job.tenant())) {
                    return "serving replica (priority " + job.priority() + ") over training of priority " + r.priority()
                            + " of tenant " + r.tenant() + " (scheduler.preemption.servingPreempts)";
                }
                return b && r.priority() >= job.priority()
                        ? "tenant " + job.tenant() + " reclaims its nominal quota from borrowed work of tenant " + r.tenant()
                        : "priority " + job.priority() + " over " + r.priority()
                        + (b ? " (borrowed work of tenant " + r.tenant() + ")"
                        : r.preemptible() ? " (preemptible)" : " (same tenant)");
            }, ids -> "job(s) " + ids)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a running job is borrowed work: its tenant's jobs on the same quota account fill the
     * nominal quota in order of priority (highest first) and start time (earliest first); the rest is borrowed.
     */
    boolean isBorrowed(Cycle cy, RunningJob r) {
        if (cy.borrowed == null) {
            cy.borrowed = computeBorrowed(cy.snapshot.running(), cy.ledger);
        }
        return cy.borrowed.getOrDefault(r.id(), false);
    }

    static Map<Long, Boolean> computeBorrowed(List<RunningJob> running, Ledger ledger) {
        Map<String, List<RunningJob>> byAccount = new HashMap<>();
        for (RunningJob r : running) {
            byAccount.computeIfAbsent(r.tenant(), k -> new ArrayList<>()).add(r);
        }
        Map<Long, Boolean> out = new HashMap<>();
        for (Map.Entry<String, List<RunningJob>> e : byAccount.entrySet()) {
            Ledger.TenantState t = ledger.tenant(e.getKey());
            List<RunningJob> rs = e.getValue();
            rs.sort(Comparator.comparingInt((RunningJob r) -> -r.priority()).thenComparingLong(RunningJob::startedAt)
                    .thenComparingLong(RunningJob::id));
            Map<String, Long> filled = new HashMap<>();
            Set<String> seen = new HashSet<>();
            for (RunningJob r : rs) {
                Integer m = ledger.modelIndex.get(r.accelerator());
                Ledger.Account a = m == null ? null : ledger.account(t, r.accelerator());
                if (a == null) {
                    out.put(r.id(), false);
                    continue;
                }
                seen.add(a.resource);
                long f = filled.getOrDefault(a.resource, 0L) + ledger.units(a, m, r.milliCards());
                filled.put(a.resource, f);
                out.put(r.id(), f > a.nominal);
            }
        }
        return out;
    }
}
