package io.computegrid.scheduler;

import io.computegrid.config.FederationConfig;
import io.computegrid.model.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The scheduler: one pipeline of named plugins over an immutable snapshot. A cycle reads as numbered
 * phases:
 * <ol>
 * <li>build: free capacity per node, indexed per pool by free cards ({@link Cluster}); usage per
 * tenant and quota account ({@link Ledger});</li>
 * <li>order: the ordering plugin yields jobs one by one (fifo, sjf, las or fair share);</li>
 * <li>admit: plugin "quota" checks nominal + borrowing limit and the federation's lendable capacity
 * per accelerator model (or P);</li>
 * <li>filter: plugin "filter" keeps pools of an accepted model, in an allowed center, able to hold the
 * gang when empty;</li>
 * <li>score: a score plugin orders those pools ("score": cross-center; "bestfit": packing);</li>
 * <li>place: plugin "gang" places the whole gang in one pool or nothing;</li>
 * <li>when nothing fits: plugin "preempt" may pick victims; plugin "backfill" reserves for the first
 * blocked job; plugin "strict" (fifo) stops the line.</li>
 * </ol>
 * The scan ends after {@code maxJobsPerCycle} jobs, after {@code maxConsecutiveFailures} jobs in a row
 * that could not start, or when no free capacity is left; the jobs not reached share one reason.
 * Same snapshot and clock, same plan.
 */
public final class PipelineScheduler implements Scheduler {
    private final String name;
    private final Ordering ordering;
    private final PoolChoice choice;
    private final boolean quotas;
    private final boolean strict;
    private final EasyBackfill backfill;
    private final PreemptPlugin preemptor;
    private final GangPlacer placer = new GangPlacer();
    private final SchedulerSettings fixed;
    private volatile Object[] settingsMemo;

    /**
     * @param settings fixed settings, or null to read them from each snapshot's federation
     */
    PipelineScheduler(String name, Ordering ordering, PoolChoice choice, boolean quotas, boolean strict,
                      boolean backfill, boolean preempt, SchedulerSettings settings) {
        this(name, ordering, choice, quotas, strict, backfill, preempt ? new Preemptor() : null, settings);
    }

    /** @param preemptor the preempt plugin, or null for none */
    PipelineScheduler(String name, Ordering ordering, PoolChoice choice, boolean quotas, boolean strict,
                      boolean backfill, PreemptPlugin preemptor, SchedulerSettings settings) {
        this.name = name;
        this.ordering = ordering;
        this.choice = choice;
        this.quotas = quotas;
        this.strict = strict;
        this.backfill = backfill ? new EasyBackfill(ordering instanceof FairShareOrder) : null;
        this.preemptor = preemptor;
        this.fixed = settings;
    }

    @Override
    public String name() {
        return name;
    }

    /** The plugins of this pipeline, in phase order (for docs and explain). */
    public List<String> plugins() {
        List<String> out = new ArrayList<>();
        out.add(ordering.name());
        if (quotas) {
            out.add("quota");
        }
        out.add("filter");
        out.add(choice.name());
        out.add(GangPlacer.NAME);
        if (preemptor != null) {
            out.add(preemptor.name());
        }
        if (backfill != null) {
            out.add(EasyBackfill.NAME);
        }
        if (strict) {
            out.add("strict");
        }
        return out;
    }

    SchedulerSettings settings(FederationConfig f) {
        if (fixed != null) {
            return fixed;
        }
        if (f == null) {
            return SchedulerSettings.defaults();
        }
        Object[] memo = settingsMemo;
        if (memo != null && memo[0] == f) {
            return (SchedulerSettings) memo[1];
        }
        SchedulerSettings s = SchedulerSettings.of(f);
        settingsMemo = new Object[]{f, s};
        return s;
    }

    @Override
    public Plan schedule(Snapshot snapshot, Clock clock) {
        Objects.requireNonNull(snapshot, "snapshot");
        long now = clock.nowMillis();
        SchedulerSettings settings = settings(snapshot.federation());
        Cycle cy = new Cycle(snapshot, settings, now);
        Ordering.JobQueue queue = ordering.queue(cy);
        int considered = 0;
        int failures = 0;
        Reason unreached = null;
        PendingJob job;
        List<Cluster.PoolState> candidates = new ArrayList<>();
        while ((job = queue.next()) != null) {
            if (considered >= settings.maxJobsPerCycle()) {
                unreached = new Reason("cycle", "NOT_REACHED", "not considered in this cycle: it stops after "
                        + settings.maxJobsPerCycle() + " jobs (scheduler.maxJobsPerCycle)");
                break;
            }
            if (failures >= settings.maxConsecutiveFailures()) {
                unreached = new Reason("cycle", "NOT_REACHED", "not considered in this cycle: " + failures
                        + " jobs in a row before it could not start (scheduler.maxConsecutiveFailures)");
                break;
            }
            if (job.totalMilliCards() > 0 && noFreeCards(cy.cluster) && (backfill == null || cy.head != null)
                    && (preemptor == null || cy.preemptAttempts >= settings.maxPreemptionAttempts())) {
                unreached = new Reason("cycle", "CAPACITY", "no free card is left in any pool this cycle");
                break;
            }
            considered++;
            if (tryJob(cy, job, candidates)) {
                failures = 0;
                queue.started(job);
            } else {
                failures++;
                if (strict && isCapacity(cy.waiting.get(job.id()))) {
                    unreached = new Reason("strict", "BEHIND", "waiting behind job " + job.id()
                            + " (strict arrival order, no backfill)", -1, job.id());
                    break;
                }
            }
        }
        if (unreached == null) {
            unreached = new Reason("cycle", "NOT_REACHED", "not considered in this cycle");
        }
        WaitingReasons waiting = new WaitingReasons(cy.waiting, cy.started, snapshot.pending(), unreached);
        return new Plan(cy.starts, cy.preemptions, cy.reservations, waiting);
    }

    private static boolean isCapacity(Reason r) {
        return r != null && ("CAPACITY".equals(r.code()) || "RESERVED".equals(r.code())
                || "BEHIND_RESERVATION".equals(r.code()) || "PREEMPTING".equals(r.code()));
    }

    private static boolean noFreeCards(Cluster c) {
        for (Cluster.PoolState p : c.pools) {
            if (p.freeWholeTotal > 0 || p.partialHead >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Runs one job through admit, filter, score and place; on failure records its reason. */
    private boolean tryJob(Cycle cy, PendingJob job, List<Cluster.PoolState> candidates) {
        Ledger.TenantState tenant = cy.ledger.tenant(job.tenant());
        candidates.clear();
        Reason quotaBlock = null;
        Reason noFit = null;
        int milli = job.perTask().milliCards();
        int per = milli >= 1000 ? milli / 1000 : milli > 0 ? 1 : 0;
        for (Cluster.PoolState p : cy.cluster.pools) {
            if (milli > 0 && !accepts(job, p.model)) {
                continue;
            }
            if (!job.centers().isEmpty() && !job.centers().contains(p.center)) {
                continue;
            }
            long perNode = per == 0 ? job.tasks() : p.maxCards / per;
            if (p.schedulableNodes == 0 || perNode * p.schedulableNodes < job.tasks()) {
                noFit = new Reason("filter", "NO_FIT", job.tasks() + " task(s) of " + CapacityReasons.describe(job)
                        + " never fit in " + p.label() + " (" + p.schedulableNodes + " schedulable nodes of " + p.maxCards
                        + " cards); a gang never spans pools or centers");
                continue;
            }
            if (quotas && milli > 0) {
                int m = cy.ledger.modelIndex.get(p.model);
                Reason q = cy.ledger.check(tenant, m, job.totalMilliCards());
                if (q != null) {
                    quotaBlock = q;
                    continue;
                }
            }
            candidates.add(p);
        }
        if (candidates.isEmpty()) {
            Reason r = quotaBlock != null ? quotaBlock : noFit != null ? noFit
                    : new Reason("filter", "NO_FIT", "no schedulable pool offers " + CapacityReasons.describe(job)
                    + (job.centers().isEmpty() ? "" : " in " + job.centers()));
            cy.waiting.put(job.id(), r);
            return false;
        }
        long end = cy.jobEnd(job);
        boolean anyFits = false;
        for (Cluster.PoolState p : candidates) {
            anyFits |= CenterScorer.quickFits(p, job);
        }
        if (!anyFits && (preemptor == null || !cy.settings.preemption()
                || cy.preemptAttempts >= cy.settings.maxPreemptionAttempts()) && (backfill == null || cy.head != null)) {
            // nothing can start and nothing else can happen for this job: the cheap path of a full cluster
            Reason r = CapacityReasons.of(cy, job, candidates, end);
            cy.waiting.put(job.id(), r);
            return false;
        }
        PoolChoice.Ranking ranking = anyFits ? choice.rank(cy, job, tenant, candidates)
                : new PoolChoice.Ranking(new ArrayList<>(candidates), List.of(), -1);
        if (ranking.waitFor() >= 0) {
            CenterScore s = ranking.rows().get(ranking.waitFor());
            cy.waiting.put(job.id(), new Reason(choice.name(), "WAIT_BETTER", "waits for " + s.center() + "/"
                    + s.pool() + " (" + s.accelerator() + "): estimated start in "
                    + CapacityReasons.seconds(s.estimatedStartMillis() - cy.now) + ", finish in "
                    + CapacityReasons.seconds(s.estimatedFinishMillis() - cy.now)
                    + ", earlier than on any pool free now",
                    s.estimatedStartMillis(), -1));
            return false;
        }
        if (anyFits && choice.nodeMode() != null && job.tasks() == 1 && placeScored(cy, job, tenant, ranking, end)) {
            return true;
        }
        for (int k = 0; k < ranking.pools().size(); k++) {
            Cluster.PoolState p = ranking.pools().get(k);
            if (!CenterScorer.quickFits(p, job)) {
                continue;
            }
            List<TaskAllocation> tasks = placer.place(cy.cluster, p, job, end);
            if (tasks != null) {
                commit(cy, job, tenant, p, tasks, ranking, k);
                return true;
            }
        }
        // nothing fits now
        if (preemptor != null && preemptor.tryPreempt(cy, job, ranking.pools(), tenant)) {
            return false;
        }
        if (backfill != null && cy.head == null) {
            Reservation r = backfill.reserve(cy, job, ranking.pools());
            if (r != null) {
                cy.head = job;
                cy.headReservation = r;
                cy.reservations.add(r);
                cy.waiting.put(job.id(), new Reason(EasyBackfill.NAME, "RESERVED", "first in line without room: "
                        + "holds a reservation in " + r.center() + "/" + r.pool() + " starting in "
                        + CapacityReasons.seconds(r.startAt() - cy.now) + " (from running jobs' runtime limits); "
                        + CapacityReasons.text(job, ranking.pools()), r.startAt(), -1));
                return false;
            }
        }
        cy.waiting.put(job.id(), CapacityReasons.of(cy, job, ranking.pools(), end));
        return false;
    }

    /**
     * A single task on the node the score plugin's node mode prefers among the best-ranked pools with room
     * (bestfit: all of them; score: those tied with the first on total score). False when none has a node.
     */
    private boolean placeScored(Cycle cy, PendingJob job, Ledger.TenantState tenant, PoolChoice.Ranking ranking,
                                long end) {
        List<Cluster.PoolState> pools = ranking.pools();
        List<CenterScore> rows = ranking.rows();
        List<Cluster.PoolState> group = new ArrayList<>();
        double top = Double.NaN;
        for (int k = 0; k < pools.size(); k++) {
            Cluster.PoolState p = pools.get(k);
            if (!CenterScorer.quickFits(p, job)) {
                continue;
            }
            if (choice.nodeMode() == NodeFit.Mode.FRAG && !rows.isEmpty()) {
                double total = rows.get(k).total();
                if (Double.isNaN(top)) {
                    top = total;
                } else if (total != top) {
                    continue;
                }
            }
            group.add(p);
        }
        NodeFit.Pick pick = NodeFit.pick(cy, group, job, end, choice.nodeMode());
        if (pick == null) {
            return false;
        }
        Cluster c = cy.cluster;
        int i = pick.node();
        int milli = job.perTask().milliCards();
        int[] cards;
        int perCard = 1000;
        if (milli >= 1000) {
            cards = new int[milli / 1000];
            int g = 0;
            for (int x = 0; x < c.cards(i) && g < cards.length; x++) {
                if (c.freeMilli[c.cardOffset[i] + x] == 1000) {
                    cards[g++] = x;
                }
            }
        } else if (milli > 0) {
            cards = new int[]{pick.card()};
            perCard = milli;
        } else {
            cards = new int[0];
        }
        TaskAllocation t = new TaskAllocation(0, c.nodes[i].name(), cards, perCard, job.perTask().cpuMilli(),
                job.perTask().memoryMiB());
        c.apply(i, t, 1);
        Cluster.PoolState p = c.pools[c.poolOf[i]];
        commit(cy, job, tenant, p, List.of(t), ranking, pools.indexOf(p));
        return true;
    }

    private void commit(Cycle cy, PendingJob job, Ledger.TenantState tenant, Cluster.PoolState p,
                        List<TaskAllocation> tasks, PoolChoice.Ranking ranking, int k) {
        Integer m = cy.ledger.modelIndex.get(p.model);
        if (m != null && job.totalMilliCards() > 0) {
            cy.ledger.add(tenant, m, job.totalMilliCards());
        }
        List<CenterScore> rows = ranking.rows();
        String why;
        if (rows.isEmpty()) {
            why = choice.name() + ": " + p.label() + (ranking.pools().size() > 1 ? " (first of "
                    + ranking.pools().size() + " candidate pools with room)" : "");
        } else {
            CenterScore s = rows.get(k);
            why = choice.name() + ": " + p.label() + (rows.size() == 1 ? " (the only candidate pool; objective "
                    + job.objective().label() + ")" : " scored " + s.total() + " (lowest of " + rows.size()
                    + " candidates with room" + (k > 0 ? "; " + k + " better-scored pool(s) had no room" : "")
                    + "; objective " + job.objective().label() + ")");
        }
        long nodes = tasks.stream().map(TaskAllocation::node).distinct().count();
        Reason r = new Reason(choice.name(), "PLACED", why + "; " + job.tasks() + " task(s) on " + nodes + " node(s)",
                cy.now, -1);
        cy.starts.add(new Placement(job.id(), p.center, p.name, p.model, tasks, r, rows));
        cy.started.add(job.id());
        cy.capacityReasons.clear();
        if (backfill != null || choice instanceof CenterScorer) {
            cy.startedByPool.computeIfAbsent(p.index, x -> new ArrayList<>()).add(new RunningJob(job.id(),
                    job.tenant(), job.priority(), p.center, p.name, p.model, tasks, cy.now, job.maxRuntimeMillis(),
                    job.minRuntimeMillis(), 0, job.preemptible(), List.of(), 0, job.serving()));
        }
    }

    static boolean accepts(PendingJob job, String model) {
        var list = job.perTask().accelerators();
        if (list.isEmpty()) {
            return true;
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).model().equals(model)) {
                return true;
            }
        }
        return false;
    }
}
