package io.computegrid.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.config.FederationConfig;
import io.computegrid.model.AcceleratorCatalog;
import io.computegrid.model.AcceleratorChoice;
import io.computegrid.model.Center;
import io.computegrid.model.Clock;
import io.computegrid.model.Objective;
import io.computegrid.model.Pool;
import io.computegrid.model.Quota;
import io.computegrid.model.TaskResources;
import io.computegrid.model.Tenant;
import io.computegrid.model.Tier;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Invariants of every plan, over random federations, tenants, running work and job streams. */
class InvariantPropertiesTest {
    static final String[] MODELS = {"nvidia-a100", "nvidia-v100", "ascend-910b"};
    static final long NOW = 10_000_000;

    /** A random world: the running jobs come from earlier cycles of the scheduler itself, so they are consistent. */
    static final class World {
        FederationConfig fed;
        List<NodeInfo> nodes = new ArrayList<>();
        List<RunningJob> running = new ArrayList<>();
        List<PendingJob> pending = new ArrayList<>();
        Map<Long, PendingJob> jobs = new HashMap<>();

        Snapshot snapshot() {
            return new Snapshot(fed, nodes, running, pending);
        }
    }

    static World world(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        World w = new World();
        List<Center> centers = new ArrayList<>();
        int nc = 1 + r.nextInt(3);
        for (int c = 0; c < nc; c++) {
            List<Pool> pools = new ArrayList<>();
            int np = 1 + r.nextInt(2);
            for (int p = 0; p < np; p++) {
                String model = MODELS[r.nextInt(MODELS.length)];
                int cards = r.nextBoolean() ? 8 : 4;
                int n = 1 + r.nextInt(5);
                pools.add(new Pool("p" + p, model, n, cards, 64_000, 512 * 1024, BigDecimal.valueOf(r.nextInt(20))));
                for (int i = 0; i < n; i++) {
                    w.nodes.add(new NodeInfo("c" + c + "-p" + p + "-" + i, "c" + c, "p" + p, model, cards, 64_000,
                            512 * 1024, r.nextInt(12) != 0));
                }
            }
            centers.add(new Center("c" + c, "r" + r.nextInt(2), Tier.CLOUD, null, pools, r.nextDouble(), 1.1, null));
        }
        List<Tenant> tenants = new ArrayList<>();
        int nt = 1 + r.nextInt(4);
        for (int t = 0; t < nt; t++) {
            List<Quota> qs = new ArrayList<>();
            for (String m : MODELS) {
                if (r.nextInt(3) > 0) {
                    int nominal = r.nextInt(17);
                    Integer borrow = r.nextBoolean() ? null : r.nextInt(9);
                    Integer lend = r.nextBoolean() ? null : r.nextInt(nominal + 1);
                    qs.add(new Quota(m, nominal, borrow, lend));
                }
            }
            if (r.nextInt(4) == 0) {
                int nominal = 500 + r.nextInt(3000);
                qs.add(new Quota(Quota.NORMALISED, nominal, r.nextBoolean() ? null : r.nextInt(2000),
                        r.nextBoolean() ? null : r.nextInt(nominal + 1)));
            }
            tenants.add(new Tenant("t" + t, 1 + r.nextInt(3), null, qs));
        }
        w.fed = new FederationConfig(AcceleratorCatalog.defaults(), centers, tenants, List.of(), "CNY", Map.of());
        long id = 1;
        // earlier work: run the default policy on a first batch and keep what started
        for (int k = 0; k < 1 + r.nextInt(25); k++) {
            PendingJob j = job(r, id++, nt, NOW - 1_000_000);
            w.pending.add(j);
            w.jobs.put(j.id(), j);
        }
        Plan first = Policies.byName("default").schedule(w.snapshot(), Clock.fixed(NOW - 1_000_000));
        for (Placement p : first.starts()) {
            PendingJob j = w.jobs.get(p.jobId());
            long started = NOW - 1_000_000 + r.nextInt(900_000);
            w.running.add(new RunningJob(j.id(), j.tenant(), j.priority(), p.center(), p.pool(), p.accelerator(),
                    p.tasks(), started, Math.max(j.maxRuntimeMillis(), NOW - started + 60_000 + r.nextInt(3_600_000)),
                    r.nextInt(4) == 0 ? 2_000_000 : 0, r.nextBoolean() ? started + 1000 : 0, j.preemptible()));
        }
        w.pending.clear();
        for (int k = 0; k < 1 + r.nextInt(40); k++) {
            PendingJob j = job(r, id++, nt, NOW - r.nextInt(600_000));
            w.pending.add(j);
            w.jobs.put(j.id(), j);
        }
        return w;
    }

    static PendingJob job(SplittableRandom r, long id, int tenants, long submitted) {
        int kind = r.nextInt(10);
        int milli = kind < 2 ? 250 * (1 + r.nextInt(3)) : 1000 * (1 << r.nextInt(4));
        int tasks = kind >= 8 ? 2 + r.nextInt(3) : 1;
        List<AcceleratorChoice> acc = new ArrayList<>();
        acc.add(AcceleratorChoice.of(MODELS[r.nextInt(MODELS.length)]));
        if (r.nextBoolean()) {
            String m = MODELS[r.nextInt(MODELS.length)];
            if (!m.equals(acc.get(0).model())) {
                acc.add(AcceleratorChoice.of(m));
            }
        }
        int[] prios = {0, 10, 100, 100, 1000};
        int prio = prios[r.nextInt(prios.length)];
        return new PendingJob(id, "t" + r.nextInt(tenants), prio, id, submitted, tasks,
                new TaskResources(acc, milli, 1000 * (1 + r.nextInt(4)), 1024L * (1 + r.nextInt(16))),
                60_000L * (1 + r.nextInt(240)), 0, prio == 0, Objective.values()[r.nextInt(4)], List.of(), List.of(), 0,
                0);
    }

    @Property(tries = 150)
    void noCardTwiceGangsWholeQuotaRespected(@ForAll long seed, @ForAll("policies") String policy) {
        World w = world(seed);
        Plan plan = Policies.byName(policy).schedule(w.snapshot(), Clock.fixed(NOW));
        Map<String, NodeInfo> nodes = new HashMap<>();
        w.nodes.forEach(n -> nodes.put(n.name(), n));
        Map<String, int[]> used = new HashMap<>();
        Map<String, long[]> cpuMem = new HashMap<>();
        List<List<TaskAllocation>> all = new ArrayList<>();
        w.running.forEach(r -> all.add(r.tasks()));
        Set<Long> seen = new HashSet<>();
        for (Placement p : plan.starts()) {
            PendingJob j = w.jobs.get(p.jobId());
            assertThat(seen.add(p.jobId())).as("started once").isTrue();
            assertThat(p.tasks()).as("gang all-or-nothing").hasSize(j.tasks());
            assertThat(p.tasks().stream().map(TaskAllocation::taskIndex).distinct().count()).isEqualTo(j.tasks());
            assertThat(j.perTask().accepts(p.accelerator())).isTrue();
            for (TaskAllocation t : p.tasks()) {
                NodeInfo n = nodes.get(t.node());
                assertThat(n.schedulable()).isTrue();
                assertThat(n.center() + "/" + n.pool()).as("one pool, one center").isEqualTo(p.center() + "/" + p.pool());
                assertThat(t.milliCards()).isEqualTo(j.perTask().milliCards());
            }
            assertThat(plan.waiting()).doesNotContainKey(p.jobId());
            all.add(p.tasks());
        }
        for (List<TaskAllocation> ts : all) {
            for (TaskAllocation t : ts) {
                int[] u = used.computeIfAbsent(t.node(), k -> new int[nodes.get(k).cards()]);
                for (int c : t.cards()) {
                    u[c] += t.milliPerCard();
                    assertThat(u[c]).as("milli-cards on %s card %d", t.node(), c).isLessThanOrEqualTo(1000);
                }
                long[] cm = cpuMem.computeIfAbsent(t.node(), k -> new long[2]);
                cm[0] += t.cpuMilli();
                cm[1] += t.memoryMiB();
                assertThat(cm[0]).isLessThanOrEqualTo(nodes.get(t.node()).cpuMilli());
                assertThat(cm[1]).isLessThanOrEqualTo(nodes.get(t.node()).memoryMiB());
            }
        }
        // every pending job that did not start has a reason
        for (PendingJob j : w.pending) {
            if (!seen.contains(j.id())) {
                assertThat(plan.waiting().get(j.id())).as("reason of %d", j.id()).isNotNull();
            }
        }
        // quota: nominal + borrowing limit per tenant and account, wherever the plan added usage
        Map<String, Long> before = usage(w, w.running);
        List<RunningJob> after = new ArrayList<>(w.running);
        for (Placement p : plan.starts()) {
            PendingJob j = w.jobs.get(p.jobId());
            after.add(new RunningJob(j.id(), j.tenant(), j.priority(), p.center(), p.pool(), p.accelerator(), p.tasks(),
                    NOW, j.maxRuntimeMillis(), 0, 0, true));
        }
        Map<String, Long> now = usage(w, after);
        for (Map.Entry<String, Long> e : now.entrySet()) {
            if (e.getValue() > before.getOrDefault(e.getKey(), 0L)) {
                String[] k = e.getKey().split("\\|");
                Tenant t = w.fed.tenants().stream().filter(x -> x.name().equals(k[0])).findFirst().orElseThrow();
                Quota q = t.quotaFor(k[1]).orElseThrow();
                if (q.borrowingLimit() != null) {
                    assertThat(e.getValue()).as("usage of %s", e.getKey())
                            .isLessThanOrEqualTo((q.nominal() + (long) q.borrowingLimit()) * 1000L);
                }
            }
        }
    }

    /** Usage per tenant|account in the ledger's units (milli-cards, or milli-cards x TFLOPS for P). */
    static Map<String, Long> usage(World w, List<RunningJob> running) {
        Map<String, Long> out = new HashMap<>();
        for (RunningJob r : running) {
            Tenant t = w.fed.tenants().stream().filter(x -> x.name().equals(r.tenant())).findFirst().orElse(null);
            if (t == null) {
                continue;
            }
            if (t.quotaFor(r.accelerator()).isPresent()) {
                out.merge(r.tenant() + "|" + r.accelerator(), r.milliCards(), Long::sum);
            } else if (t.quotaFor(Quota.NORMALISED).isPresent()) {
                double tf = w.fed.catalog().get(r.accelerator()).fp16Tflops();
                out.merge(r.tenant() + "|" + Quota.NORMALISED, Math.round(r.milliCards() * tf), Long::sum);
            }
        }
        return out;
    }

    /** One quota account in the ledger's units, for the lending property. */
    static final class Account {
        final boolean normalised;
        final String model;
        final long nominal;
        final long lendable;
        long used;

        Account(boolean normalised, String model, long nominal, long lendable) {
            this.normalised = normalised;
            this.model = model;
            this.nominal = nominal;
            this.lendable = lendable;
        }

        long protectedIdle() {
            return Math.max(0, nominal - used - lendable);
        }
    }

    /**
     * Borrowing never takes idle quota its owners do not lend: replaying the plan's starts in order, every
     * start that takes its account beyond nominal leaves the model's free cards covering the unlent idle
     * model quota of the other accounts, and the federation's free P covering all their unlent idle quota
     * in P (model accounts at their model's TFLOPS), counting every tenant's use of the cards.
     */
    @Property(tries = 200)
    void borrowingNeverTakesIdleQuotaItsOwnersDoNotLend(@ForAll long seed, @ForAll("policies") String policy) {
        World w = world(seed);
        Plan plan = Policies.byName(policy).schedule(w.snapshot(), Clock.fixed(NOW));
        Map<String, Long> capacity = new HashMap<>();
        for (NodeInfo n : w.nodes) {
            capacity.merge(n.accelerator(), n.schedulable() ? n.cards() * 1000L : 0L, Long::sum);
        }
        Map<String, Double> tflops = new HashMap<>();
        capacity.keySet().forEach(m -> tflops.put(m, w.fed.catalog().get(m).fp16Tflops()));
        long capacityP = capacity.entrySet().stream().mapToLong(e -> Math.round(e.getValue()
                * tflops.get(e.getKey()))).sum();
        Map<String, Account> accounts = new HashMap<>();
        Map<String, Long> physical = new HashMap<>();
        long[] usedP = {0};
        java.util.function.BiFunction<String, String, Account> accountOf = (tenant, model) -> {
            Tenant t = w.fed.tenants().stream().filter(x -> x.name().equals(tenant)).findFirst().orElse(null);
            Quota q = t == null ? null : t.quotaFor(model).orElse(null);
            String key = tenant + "|" + model;
            boolean p = false;
            if (q == null && t != null && t.quotaFor(Quota.NORMALISED).isPresent()) {
                q = t.quotaFor(Quota.NORMALISED).get();
                key = tenant + "|" + Quota.NORMALISED;
                p = true;
            }
            Quota quota = q;
            boolean normalised = p;
            return accounts.computeIfAbsent(key, k -> quota == null ? new Account(false, model, 0, 0)
                    : new Account(normalised, model, quota.nominal() * 1000L, (quota.lendingLimit() == null
                    ? quota.nominal() : quota.lendingLimit()) * 1000L));
        };
        // every configured account exists from the start (idle quota is protected before anyone uses it)
        for (Tenant t : w.fed.tenants()) {
            for (Quota q : t.quotas()) {
                accountOf.apply(t.name(), Quota.NORMALISED.equals(q.accelerator()) ? "__p__" : q.accelerator());
            }
        }
        java.util.function.BiConsumer<RunningJob, Boolean> apply = (r, check) -> {
            Account a = accountOf.apply(r.tenant(), r.accelerator());
            long milli = r.milliCards();
            long units = a.normalised ? Math.round(milli * tflops.get(r.accelerator())) : milli;
            long over = Math.max(0, a.used + units - a.nominal) - Math.max(0, a.used - a.nominal);
            long mine = a.protectedIdle();
            physical.merge(r.accelerator(), milli, Long::sum);
            usedP[0] += Math.round(milli * tflops.get(r.accelerator()));
            a.used += units;
            if (!check || over <= 0) {
                return;
            }
            long protectedModel = 0;
            long protectedFed = 0;
            for (Account o : accounts.values()) {
                long idle = o == a ? mine : o.protectedIdle();
                if (!o.normalised && o.model.equals(r.accelerator()) && o != a) {
                    protectedModel += idle;
                }
                if (o != a) {
                    protectedFed += o.normalised ? idle : Math.round(idle * w.fed.catalog().find(o.model)
                            .map(x -> x.fp16Tflops()).orElse(100.0));
                }
            }
            long freeModel = capacity.getOrDefault(r.accelerator(), 0L) - physical.get(r.accelerator());
            assertThat(freeModel).as("job %d borrows %d; free %s cards vs unlent idle", r.id(), over,
                    r.accelerator()).isGreaterThanOrEqualTo(protectedModel);
            assertThat(capacityP - usedP[0]).as("job %d borrows %d; free P vs unlent idle P", r.id(), over)
                    .isGreaterThanOrEqualTo(protectedFed);
        };
        w.running.forEach(r -> apply.accept(r, false));
        for (Placement p : plan.starts()) {
            PendingJob j = w.jobs.get(p.jobId());
            apply.accept(new RunningJob(j.id(), j.tenant(), j.priority(), p.center(), p.pool(), p.accelerator(),
                    p.tasks(), NOW, j.maxRuntimeMillis(), 0, 0, true), true);
        }
    }

    @Property(tries = 150)
    void samePlanForSameInput(@ForAll long seed, @ForAll("policies") String policy) {
        World w = world(seed);
        Plan a = Policies.byName(policy).schedule(w.snapshot(), Clock.fixed(NOW));
        Plan b = Policies.byName(policy).schedule(w.snapshot(), Clock.fixed(NOW));
        assertThat(a).isEqualTo(b);
        assertThat(a.waiting().toString()).isEqualTo(b.waiting().toString());
    }

    @Property(tries = 200)
    void preemptionNeverEvictsInQuotaWorkOfHigherOrEqualPriority(@ForAll long seed) {
        World w = world(seed);
        Plan plan = Policies.byName("default").schedule(w.snapshot(), Clock.fixed(NOW));
        Set<Long> borrowed = borrowed(w);
        Map<Long, RunningJob> running = new HashMap<>();
        w.running.forEach(r -> running.put(r.id(), r));
        for (Preemption p : plan.preemptions()) {
            RunningJob v = running.get(p.victimJobId());
            PendingJob j = w.jobs.get(p.forJobId());
            assertThat(NOW - v.startedAt()).as("outside its minimum runtime").isGreaterThanOrEqualTo(v.minRuntimeMillis());
            assertThat(v.priority() < j.priority() || borrowed.contains(v.id()))
                    .as("victim %d (prio %d, borrowed %s) for %d (prio %d)", v.id(), v.priority(),
                            borrowed.contains(v.id()), j.id(), j.priority()).isTrue();
            assertThat(plan.starts()).noneMatch(s -> s.jobId() == j.id());
        }
    }

    /**
     * Under {@code las} "priority" is the LAS queue: a victim is always in a strictly lower queue than its
     * preemptor (attained card-seconds of this attempt against the thresholds), never of a higher priority
     * class, never inside its minimum runtime.
     */
    @Property(tries = 200)
    void lasPreemptsOnlyJobsInLowerQueues(@ForAll long seed) {
        World w = world(seed);
        Plan plan = Policies.byName("las").schedule(w.snapshot(), Clock.fixed(NOW));
        List<Long> th = SchedulerSettings.defaults().lasThresholdsCardSeconds();
        Map<Long, RunningJob> running = new HashMap<>();
        w.running.forEach(r -> running.put(r.id(), r));
        Set<Long> victims = new HashSet<>();
        for (Preemption p : plan.preemptions()) {
            RunningJob v = running.get(p.victimJobId());
            PendingJob j = w.jobs.get(p.forJobId());
            assertThat(victims.add(v.id())).as("victim once").isTrue();
            int vq = LasPreemptor.queue(v.milliCards() * (NOW - v.startedAt()) / 1_000_000, th);
            int jq = SortedOrder.lasQueue(j, th);
            assertThat(vq).as("victim %d queue vs job %d", v.id(), j.id()).isGreaterThan(jq);
            assertThat(v.priority()).isLessThanOrEqualTo(j.priority());
            assertThat(NOW - v.startedAt()).as("outside its minimum runtime").isGreaterThanOrEqualTo(v.minRuntimeMillis());
            assertThat(plan.starts()).noneMatch(s -> s.jobId() == j.id());
        }
    }

    /** Borrowed work as the docs define it: a tenant's jobs fill nominal by priority, then start time. */
    static Set<Long> borrowed(World w) {
        Set<Long> out = new HashSet<>();
        Map<String, List<RunningJob>> byTenant = new HashMap<>();
        w.running.forEach(r -> byTenant.computeIfAbsent(r.tenant(), k -> new ArrayList<>()).add(r));
        for (List<RunningJob> rs : byTenant.values()) {
            rs.sort(Comparator.comparingInt((RunningJob r) -> -r.priority()).thenComparingLong(RunningJob::startedAt)
                    .thenComparingLong(RunningJob::id));
            Tenant t = w.fed.tenants().stream().filter(x -> x.name().equals(rs.get(0).tenant())).findFirst().orElse(null);
            Map<String, Long> filled = new HashMap<>();
            for (RunningJob r : rs) {
                Quota q = t == null ? null : t.quotaFor(r.accelerator()).orElse(null);
                long units = r.milliCards();
                String account = r.accelerator();
                if (q == null && t != null && t.quotaFor(Quota.NORMALISED).isPresent()) {
                    q = t.quotaFor(Quota.NORMALISED).get();
                    account = Quota.NORMALISED;
                    units = Math.round(r.milliCards() * w.fed.catalog().get(r.accelerator()).fp16Tflops());
                }
                long nominal = q == null ? 0 : q.nominal() * 1000L;
                long f = filled.merge(account, units, Long::sum);
                if (f > nominal) {
                    out.add(r.id());
                }
            }
        }
        return out;
    }

    @Property(tries = 200)
    void backfillNeverDelaysTheReservation(@ForAll long seed, @ForAll("backfilling") String policy) {
        World w = world(seed);
        Plan plan = Policies.byName(policy).schedule(w.snapshot(), Clock.fixed(NOW));
        Set<Long> victims = new HashSet<>();
        plan.preemptions().forEach(p -> victims.add(p.victimJobId()));
        for (Reservation res : plan.reservations()) {
            Reason why = plan.waiting().get(res.jobId());
            if (!"RESERVED".equals(why.code())) {
                continue;
            }
            long at = res.startAt();
            List<RunningJob> later = new ArrayList<>();
            for (RunningJob r : w.running) {
                if (!victims.contains(r.id()) && r.deadline() > at) {
                    later.add(r);
                }
            }
            for (Placement p : plan.starts()) {
                PendingJob j = w.jobs.get(p.jobId());
                if (NOW + j.maxRuntimeMillis() > at) {
                    later.add(new RunningJob(j.id(), j.tenant(), j.priority(), p.center(), p.pool(), p.accelerator(),
                            p.tasks(), NOW, j.maxRuntimeMillis(), 0, 0, true));
                }
            }
            PendingJob head = w.jobs.get(res.jobId());
            FederationConfig open = new FederationConfig(w.fed.catalog(), w.fed.centers(), List.of(), List.of(), "CNY",
                    Map.of());
            Plan then = Policies.byName("fifo").schedule(new Snapshot(open, w.nodes, later, List.of(head)),
                    Clock.fixed(at));
            assertThat(then.starts()).as("job %d starts at its reservation %d: %s", head.id(), at, then.waiting())
                    .hasSize(1);
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> policies() {
        return net.jqwik.api.Arbitraries.of(Policies.NAMES);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> backfilling() {
        return net.jqwik.api.Arbitraries.of("backfill", "default");
    }

    /**
     * Any job sizes that fit a node (1..8 cards per tenant on 8-card nodes), the caller passing decayed
     * usage as the server and the simulator do. Shares are time averages: with sizes that leave pieces only
     * one tenant can use (4 and 6 cards on 8-card nodes) no instant is equal, and it is the decayed usage
     * that makes the tenant ahead over time yield the node that frees next (docs/scheduler.md, fair share).
     */
    @Property(tries = 32)
    void equalTenantsConvergeToEqualDominantShare(@ForAll @IntRange(min = 1, max = 8) int cardsA,
                                                  @ForAll @IntRange(min = 1, max = 8) int cardsB,
                                                  @ForAll long seed) {
        assertConverges(cardsA, cardsB, seed);
    }

    /**
     * Issue 3's case, 6-card and 4-card jobs on 8-card nodes (0.49 vs 0.38 when the test passed no decayed
     * usage), and 1-card against 7-card jobs (0.56 vs 0.44 before fair-share reservations: the 7-card
     * tenant's reservation only ever waited for its own jobs' cards).
     */
    @Example
    void tenantsWithSizesThatLeavePiecesConverge() {
        assertConverges(6, 4, 1);
        assertConverges(4, 6, 2);
        assertConverges(3, 8, 3);
        assertConverges(1, 7, 5);
        assertConverges(7, 1, 5);
    }

    static void assertConverges(int cardsA, int cardsB, long seed) {
        double[] s = convergence(cardsA, cardsB, seed);
        double a = s[0];
        double b = s[1];
        double equal = (a + b) / 2;
        // busy: at least 80% of what a node of the worse-packing size alone can hold (3-card jobs: 6 of 8)
        double fill = Math.min((8 / cardsA) * cardsA, (8 / cardsB) * cardsB) / 8.0;
        assertThat(a + b).as("the cluster is kept busy (%d and %d cards)", cardsA, cardsB).isGreaterThan(0.8 * fill);
        // each tenant's dominant share (time average) within 10% of the equal share
        assertThat(Math.abs(a - equal)).as("dominant shares %.3f and %.3f (%d and %d cards)", a, b, cardsA, cardsB)
                .isLessThanOrEqualTo(0.1 * equal);
    }

    /** Time-averaged dominant shares of two equal tenants with endless backlog of jobs of the given sizes. */
    static double[] convergence(int cardsA, int cardsB, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Fed f = Fed.create().center("c", "p", "nvidia-a100", 8, 8);
        f.tenant("a", 1.0, new Quota("nvidia-a100", 32, null, null));
        f.tenant("b", 1.0, new Quota("nvidia-a100", 32, null, null));
        Snapshot base = f.snapshot();
        List<RunningJob> running = new ArrayList<>();
        long now = 0;
        long id = 1;
        double sumA = 0;
        double sumB = 0;
        int samples = 0;
        Scheduler s = Policies.byName("default");
        // the caller's decayed usage, as the server keeps it: card-seconds halved every day
        Map<String, Double> usage = new HashMap<>();
        for (int cycle = 0; cycle < 200; cycle++) {
            List<PendingJob> pending = new ArrayList<>();
            Map<Long, PendingJob> byId = new HashMap<>();
            for (int k = 0; k < 30; k++) {
                for (String t : List.of("a", "b")) {
                    int cards = t.equals("a") ? cardsA : cardsB;
                    PendingJob j = new PendingJob(id, t, 100, id, now, 1, Fed.res(cards * 1000, "nvidia-a100"),
                            60_000L * (5 + r.nextInt(60)), 0, true, Objective.BALANCED, List.of(), List.of(), 0, 0);
                    id++;
                    pending.add(j);
                    byId.put(j.id(), j);
                }
            }
            long t0 = now;
            Plan p = s.schedule(new Snapshot(base.federation(), base.nodes(), running, pending,
                    usage), () -> t0);
            for (Placement pl : p.starts()) {
                PendingJob j = byId.get(pl.jobId());
                running.add(new RunningJob(j.id(), j.tenant(), 100, pl.center(), pl.pool(), pl.accelerator(),
                        pl.tasks(), now, j.maxRuntimeMillis(), 0, 0, true));
            }
            Set<Long> victims = new HashSet<>();
            p.preemptions().forEach(x -> victims.add(x.victimJobId()));
            running.removeIf(x -> victims.contains(x.id()));
            if (cycle >= 50) {
                double a = 0;
                double b = 0;
                for (RunningJob x : running) {
                    if (x.tenant().equals("a")) {
                        a += x.milliCards();
                    } else {
                        b += x.milliCards();
                    }
                }
                sumA += a / 64_000;
                sumB += b / 64_000;
                samples++;
            }
            long next = running.stream().mapToLong(RunningJob::deadline).min().orElse(now + 60_000);
            long dt = Math.max(now + 1, next) - now;
            double decay = Math.pow(0.5, dt / 86_400_000.0);
            usage.replaceAll((t, u) -> u * decay);
            for (RunningJob x : running) {
                usage.merge(x.tenant(), x.milliCards() / 1000.0 * dt / 1000.0, Double::sum);
            }
            now += dt;
            long cut = now;
            running.removeIf(x -> x.deadline() <= cut);
        }
        return new double[]{sumA / samples, sumB / samples};
    }
}
