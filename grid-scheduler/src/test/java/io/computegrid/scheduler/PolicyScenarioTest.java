package io.computegrid.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.computegrid.model.AcceleratorChoice;
import io.computegrid.model.Clock;
import io.computegrid.model.Objective;
import io.computegrid.model.Quota;
import io.computegrid.model.TaskResources;
import io.computegrid.spec.Documents;
import io.computegrid.spec.SpecException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Named scenarios: a world, a policy, and what the plan must say. */
class PolicyScenarioTest {
    static final String A100 = "nvidia-a100";

    static Arguments scenario(String name, String policy, long now, Supplier<Fed> world, Consumer<Plan> expect) {
        return Arguments.of(name, policy, now, world, expect);
    }

    static PendingJob pj(long id, String tenant, int prio, int tasks, int milli, long limitSec, long submitted,
                         List<AcceleratorChoice> acc, Objective o, List<io.computegrid.model.Dataset> data) {
        return new PendingJob(id, tenant, prio, id, submitted, tasks, new TaskResources(acc, milli, 1000, 1024),
                limitSec * 1000, 0, true, o, data, List.of(), 0, 0);
    }

    /**
     * Tenant b's job 50 borrows all 8 cards; it restarted at 0 after an hour in an earlier attempt (default
     * restart protection 600 s). Tenant a's job 1 wants its nominal 4 cards back.
     */
    static Fed restartedBorrower() {
        Fed f = Fed.create().center("c", "p", A100, 1, 8);
        f.tenant("a", A100, 4).tenant("b", A100, 4);
        f.running.add(new RunningJob(50, "b", 100, "c", "p", A100, List.of(new TaskAllocation(0, "c-p-0",
                new int[]{0, 1, 2, 3, 4, 5, 6, 7}, 1000, 1000, 1024)), 0, 3600_000, 0, 0, true, List.of(),
                8 * 3600_000L));
        f.job(1, "a", 1, 4, 60);
        return f;
    }

    static Stream<Arguments> scenarios() {
        return Stream.of(
                scenario("quota blocks beyond nominal plus borrowing limit, with the numbers", "default", 0, () -> {
                    Fed f = Fed.create().center("c", "p", A100, 2, 8);
                    f.tenant("a", 1.0, new Quota(A100, 4, 2, null));
                    f.job(1, "a", 1, 4, 60);
                    f.job(2, "a", 1, 4, 60);
                    return f;
                }, p -> {
                    assertThat(ScenarioTest.started(p)).containsExactly(1L);
                    assertThat(p.waiting().get(2L).code()).isEqualTo("QUOTA");
                    assertThat(p.waiting().get(2L).message()).contains("uses 4 of nominal 4", "borrowing limit 2",
                            "2 left", "needs 4");
                }),
                scenario("idle nominal quota of others is lent", "default", 0, () -> {
                    Fed f = Fed.create().center("c", "p", A100, 2, 8);
                    f.tenant("a", A100, 8).tenant("b", A100, 8);
                    f.job(1, "a", 2, 8, 60);
                    return f;
                }, p -> assertThat(ScenarioTest.started(p)).containsExactly(1L)),
                scenario("lending limit keeps part of idle nominal quota for its owner", "default", 0, () -> {
                    Fed f = Fed.create().center("c", "p", A100, 2, 8);
                    f.tenant("a", 1.0, new Quota(A100, 8, null, null));
                    f.tenant("b", 1.0, new Quota(A100, 8, null, 2));
                    f.job(1, "a", 1, 8, 60);
                    f.job(2, "a", 1, 4, 60);
                    return f;
                }, p -> {
                    assertThat(ScenarioTest.started(p)).containsExactly(1L);
                    assertThat(p.waiting().get(2L).message()).contains("do not lend");
                }),
                scenario("reclaim: owner preempts borrowed work after the grace", "default", 120_000, () -> {
                    Fed f = Fed.create().center("c", "p", A100, 1, 8);
                    f.tenant("a", A100, 4).tenant("b", A100, 4);
                    f.run(50, "b", 100, 0, 3600, 8, "c-p-0");
                    f.job(1, "a", 1, 4, 60);
                    return f;
                }, p -> {
                    assertThat(p.preemptions()).extracting(Preemption::victimJobId).containsExactly(50L);
                    assertThat(p.starts()).isEmpty();
                    assertThat(p.waiting().get(1L).code()).isEqualTo("PREEMPTING");
                    assertThat(p.preemptions().get(0).reason().message()).contains("reclaims its nominal quota");
                }),
                scenario("no reclaim inside the grace period", "default", 30_000, () -> {
                    Fed f = Fed.create().center("c", "p", A100, 1, 8);
                    f.tenant("a", A100, 4).tenant("b", A100, 4);
                    f.run(50, "b", 100, 0, 3600, 8, "c-p-0");
                    f.job(1, "a", 1, 4, 60);
                    return f;
                }, p -> assertThat(p.preemptions()).isEmpty()),
                scenario("a restarted job is no victim inside its restart protection", "default", 300_000,
                        PolicyScenarioTest::restartedBorrower, p -> {
                    assertThat(p.preemptions()).isEmpty();
                    assertThat(p.waiting().get(1L).code()).isNotEqualTo("PREEMPTING");
                }),
                scenario("a restarted job is a victim again after its restart protection", "default", 660_000,
                        PolicyScenarioTest::restartedBorrower, p -> assertThat(p.preemptions()).extracting(Preemption::victimJobId).containsExactly(50L)),
                scenario("the reclaim grace counts from when a requeued job was queued again", "default", 400_000, () -> {
                    Fed f = Fed.create().center("c", "p", A100, 1, 8);
                    f.tenant("a", A100, 4).tenant("b", A100, 4);
                    f.run(50, "b", 100, 0, 3600, 8, "c-p-0");
                    // submitted at 0, preempted elsewhere and queued again 30 s ago: inside the 60 s grace
                    f.add(new PendingJob(1, "a", 100, 1, 0, 1, Fed.res(4000), 60_000, 0, true, Objective.BALANCED,
                            List.of(), List.of(), 600_000, 0, 370_000, 300_000));
                    return f;
                }, p -> assertThat(p.preemptions()).isEmpty()),
                scenario("in-quota work goes before borrowing work, whatever the shares", "default", 0, () -> {
                    Fed f = Fed.create().center("c", "p", A100, 1, 8);
                    // a holds its whole nominal 2 (share 0.25), b 3 of its 6 (share 0.375); 3 cards are free
                    f.tenant("a", A100, 2).tenant("b", A100, 6);
                    f.run(50, "a", 100, 0, 3600, 2, "c-p-0");
                    f.run(51, "b", 100, 0, 3600, 3, "c-p-0");
                    f.job(1, "a", 1, 3, 60);
                    f.job(2, "b", 1, 3, 60);
                    return f;
                }, p -> assertThat(ScenarioTest.started(p)).containsExactly(2L)),
                scenario("in-quota work of another tenant is not preempted for higher priority", "default", 0, () -> {
                    Fed f = Fed.create().center("c", "p", A100, 1, 8);
                    f.tenant("a", A100, 0).tenant("b", A100, 8);
                    f.running.add(new RunningJob(50, "b", 10, "c", "p", A100, List.of(new TaskAllocation(0, "c-p-0",
                            new int[]{0, 1, 2, 3, 4, 5, 6, 7}, 1000, 1000, 1024)), 0, 3600_000, 0, 0, false));
                    f.job(1, "a", 1000, 1, 4000, 60);
                    return f;
                }, p -> {
                    assertThat(p.preemptions()).isEmpty();
                    assertThat(p.reservations()).extracting(Reservation::jobId).containsExactly(1L);
                }),
                scenario("higher priority preempts the same tenant's lower priority, newest checkpoint first", "default",
                        600_000, () -> {
                    Fed f = Fed.create().center("c", "p", A100, 1, 8);
                    f.tenant("a", A100, 8);
                    f.running.add(new RunningJob(50, "a", 10, "c", "p", A100, List.of(new TaskAllocation(0, "c-p-0",
                            new int[]{0, 1, 2, 3}, 1000, 1000, 1024)), 0, 3600_000, 0, 100_000, false));
                    f.running.add(new RunningJob(51, "a", 10, "c", "p", A100, List.of(new TaskAllocation(0, "c-p-0",
                            new int[]{4, 5, 6, 7}, 1000, 1000, 1024)), 0, 3600_000, 0, 590_000, false));
                    f.job(1, "a", 1000, 1, 4000, 60);
                    return f;
                }, p -> assertThat(p.preemptions()).extracting(Preemption::victimJobId).containsExactly(51L)),
                scenario("fifo stops the line; backfill lets a short job pass without delaying the head", "backfill", 0,
                        () -> {
                    Fed f = Fed.create().center("c", "p", A100, 2, 8);
                    f.run(50, "x", 100, 0, 600, 8, "c-p-0");
                    f.run(51, "x", 100, 0, 600, 2, "c-p-1");
                    f.job(1, "t", 2, 8, 3600);
                    f.job(2, "t", 1, 4, 300);
                    f.job(3, "t", 1, 2, 7200);
                    return f;
                }, p -> {
                    assertThat(ScenarioTest.started(p)).containsExactly(2L);
                    assertThat(p.waiting().get(1L).code()).isEqualTo("RESERVED");
                    assertThat(p.waiting().get(1L).estimatedStartMillis()).isEqualTo(600_000);
                    assertThat(p.waiting().get(3L).code()).isEqualTo("BEHIND_RESERVATION");
                    assertThat(p.waiting().get(3L).relatedJobId()).isEqualTo(1L);
                }),
                scenario("heterogeneity: the faster accepted model wins when both are free", "default", 0, () -> {
                    Fed f = Fed.create().center("c", "v", "nvidia-v100", 1, 8).center("c", "h", "nvidia-h100", 1, 8);
                    f.add(pj(1, "t", 100, 1, 2000, 3600, 0, List.of(AcceleratorChoice.of("nvidia-v100"),
                            AcceleratorChoice.of("nvidia-h100")), Objective.TIME, List.of()));
                    return f;
                }, p -> {
                    assertThat(p.starts().get(0).accelerator()).isEqualTo("nvidia-h100");
                    assertThat(p.starts().get(0).scores()).hasSize(2);
                }),
                scenario("cost objective picks the cheaper center", "default", 0, () -> {
                    Fed f = Fed.create().center("dear", "r1", "p", A100, 1, 8, 30, 0, 1.3)
                            .center("cheap", "r1", "p", A100, 1, 8, 5, 0, 1.3);
                    f.add(pj(1, "t", 100, 1, 2000, 3600, 0, List.of(AcceleratorChoice.of(A100)), Objective.COST,
                            List.of()));
                    return f;
                }, p -> assertThat(p.starts().get(0).center()).isEqualTo("cheap")),
                scenario("green objective picks the greener center", "default", 0, () -> {
                    Fed f = Fed.create().center("coal", "r1", "p", A100, 1, 8, 5, 0.1, 1.5)
                            .center("hydro", "r1", "p", A100, 1, 8, 5, 0.9, 1.1);
                    f.add(pj(1, "t", 100, 1, 2000, 3600, 0, List.of(AcceleratorChoice.of(A100)), Objective.GREEN,
                            List.of()));
                    return f;
                }, p -> assertThat(p.starts().get(0).center()).isEqualTo("hydro")),
                scenario("data locality: the center holding a large dataset wins", "default", 0, () -> {
                    Fed f = Fed.create().center("far", "r1", "p", A100, 1, 8, 5, 0, 1.3)
                            .center("near", "r1", "p", A100, 1, 8, 5, 0, 1.3);
                    f.add(pj(1, "t", 100, 1, 2000, 3600, 0, List.of(AcceleratorChoice.of(A100)), Objective.BALANCED,
                            List.of(Fed.dataset("imagenet", "near", 5000))));
                    return f;
                }, p -> assertThat(p.starts().get(0).center()).isEqualTo("near")),
                scenario("fractions of a card pack onto the same card", "default", 0, () -> {
                    Fed f = Fed.create().center("c", "p", A100, 1, 8);
                    f.job(1, "t", 100, 1, 500, 60);
                    f.job(2, "t", 100, 1, 250, 60);
                    f.job(3, "t", 100, 1, 250, 60);
                    return f;
                }, p -> {
                    assertThat(p.starts()).hasSize(3);
                    assertThat(p.starts()).allSatisfy(s -> assertThat(s.tasks().get(0).cards()).containsExactly(0));
                }),
                scenario("normalised quota P counts rated TFLOPS", "default", 0, () -> {
                    Fed f = Fed.create().center("c", "p", A100, 1, 8);
                    // 700 milli-PFLOPS covers two a100 cards (312 each) but not three
                    f.tenant("a", 1.0, new Quota(Quota.NORMALISED, 700, 0, null));
                    f.job(1, "a", 1, 2, 60);
                    f.job(2, "a", 1, 1, 60);
                    return f;
                }, p -> {
                    assertThat(ScenarioTest.started(p)).containsExactly(1L);
                    assertThat(p.waiting().get(2L).message()).contains("milli-PFLOPS (P)");
                }),
                scenario("idle P quota that is not lent stays free for its owner, whoever borrows", "default", 0, () -> {
                    Fed f = Fed.create().center("c", "p", A100, 1, 8);
                    // a: 624 milli-PFLOPS (two a100 cards), lends none; b borrows a100 cards on its own account
                    f.tenant("a", 1.0, new Quota(Quota.NORMALISED, 624, null, 0));
                    f.tenant("b", 1.0, new Quota(A100, 0, null, null));
                    f.job(1, "b", 1, 8, 60);
                    f.job(2, "b", 1, 6, 60);
                    return f;
                }, p -> {
                    assertThat(ScenarioTest.started(p)).containsExactly(2L);
                    assertThat(p.waiting().get(1L).message()).contains("624 milli-PFLOPS (P)", "do not lend",
                            "1872 can be borrowed now");
                }),
                scenario("a P borrower leaves a model's unlent nominal cards alone", "default", 0, () -> {
                    Fed f = Fed.create().center("c", "p", A100, 1, 8);
                    f.tenant("a", 1.0, new Quota(A100, 4, null, 1));
                    f.tenant("b", 1.0, new Quota(Quota.NORMALISED, 0, null, null));
                    f.job(1, "b", 1, 6, 60);
                    f.job(2, "b", 1, 5, 60);
                    return f;
                }, p -> {
                    assertThat(ScenarioTest.started(p)).containsExactly(2L);
                    assertThat(p.waiting().get(1L).message()).contains("3 of the idle nvidia-a100 cards",
                            "5 can be borrowed now");
                }),
                scenario("a gang never spans pools", "default", 0, () -> {
                    Fed f = Fed.create().center("c", "p1", A100, 1, 8).center("c", "p2", A100, 1, 8);
                    f.job(1, "t", 2, 8, 60);
                    return f;
                }, p -> assertThat(p.waiting().get(1L).code()).isEqualTo("NO_FIT")),
                scenario("sjf runs the shortest true duration first", "sjf", 0, () -> {
                    Fed f = Fed.create().center("c", "p", A100, 1, 8);
                    f.add(new PendingJob(1, "t", 100, 1, 0, 1, Fed.res(8000), 0, 0, true, null, null, null, 0, 9000));
                    f.add(new PendingJob(2, "t", 100, 2, 0, 1, Fed.res(8000), 0, 0, true, null, null, null, 0, 1000));
                    return f;
                }, p -> assertThat(ScenarioTest.started(p)).containsExactly(2L)),
                scenario("las runs the least attained service first", "las", 0, () -> {
                    Fed f = Fed.create().center("c", "p", A100, 1, 8);
                    f.add(new PendingJob(1, "t", 100, 1, 0, 1, Fed.res(8000), 0, 0, true, null, null, null,
                            50_000_000L, 0));
                    f.add(new PendingJob(2, "t", 100, 2, 0, 1, Fed.res(8000), 0, 0, true, null, null, null, 0, 0));
                    return f;
                }, p -> assertThat(ScenarioTest.started(p)).containsExactly(2L)),
                scenario("drf serves the tenant with the lower dominant share first", "drf", 0, () -> {
                    Fed f = Fed.create().center("c", "p", A100, 1, 8);
                    f.run(50, "a", 100, 0, 600, 4, "c-p-0");
                    f.job(1, "a", 1, 4, 60);
                    f.job(2, "b", 1, 4, 60);
                    return f;
                }, p -> assertThat(ScenarioTest.started(p)).containsExactly(2L)),
                scenario("bestfit puts a job on the node it fills most", "bestfit", 0, () -> {
                    Fed f = Fed.create().center("c", "p", A100, 3, 8);
                    f.run(50, "x", 100, 0, 600, 2, "c-p-0");
                    f.run(51, "x", 100, 0, 600, 6, "c-p-1");
                    f.job(1, "t", 1, 2, 60);
                    return f;
                }, p -> assertThat(p.starts().get(0).tasks().get(0).node()).isEqualTo("c-p-1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void runs(String name, String policy, long now, Supplier<Fed> world, Consumer<Plan> expect) {
        Plan plan = Policies.byName(policy).schedule(world.get().snapshot(), Clock.fixed(now));
        expect.accept(plan);
    }

    /** A large gang behind a flood of small jobs of another tenant starts within a bounded time. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"backfill", "default"})
    void largeGangBehindAFloodStartsWithinBoundedTime(String policy) {
        Fed f = Fed.create().center("c", "p", A100, 4, 8);
        Scheduler s = Policies.byName(policy);
        List<RunningJob> running = new ArrayList<>();
        long now = 0;
        long id = 1000;
        long smallLimit = 600_000;
        PendingJob gang = new PendingJob(1, "big", 100, 1, 0, 4, Fed.res(8000, A100), 3_600_000, 0, true, null,
                null, null, 0, 0);
        Long gangStart = null;
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int cycle = 0; cycle < 400 && gangStart == null; cycle++) {
            List<PendingJob> pending = new ArrayList<>();
            pending.add(gang);
            Map<Long, PendingJob> byId = new HashMap<>();
            for (int k = 0; k < 40; k++) {
                long limit = 60_000L * (1 + r.nextInt(10));
                PendingJob j = new PendingJob(id, "flood", 100, id, now, 1, Fed.res(1000 * (1 + r.nextInt(2)), A100),
                        limit, 0, true, null, null, null, 0, 0);
                id++;
                pending.add(j);
                byId.put(j.id(), j);
            }
            long t = now;
            Plan p = s.schedule(new Snapshot(f.config(), f.nodes, running, pending), () -> t);
            for (Placement pl : p.starts()) {
                if (pl.jobId() == 1) {
                    gangStart = now;
                    continue;
                }
                PendingJob j = byId.get(pl.jobId());
                running.add(new RunningJob(j.id(), j.tenant(), 100, pl.center(), pl.pool(), pl.accelerator(),
                        pl.tasks(), now, j.maxRuntimeMillis(), 0, 0, true));
            }
            now += 30_000;
            long cut = now;
            running.removeIf(x -> x.deadline() <= cut);
        }
        assertThat(gangStart).as("the gang starts").isNotNull();
        assertThat(gangStart).as("within the longest small job's limit").isLessThanOrEqualTo(smallLimit + 30_000);
    }

    @Test
    void settingsParseWithDefaultsAndNameTheFieldOnError() {
        SchedulerSettings d = SchedulerSettings.defaults();
        assertThat(d.maxJobsPerCycle()).isEqualTo(10_000);
        assertThat(d.defaultObjective()).isEqualTo(Objective.BALANCED);
        SchedulerSettings s = SchedulerSettings.parse(Documents.parse("""
                maxJobsPerCycle: 50
                fairShare: {halfLifeSeconds: 3600, historyWeight: 0.25, tenantOrder: sjf}
                preemption: {enabled: false, reclaimGraceSeconds: 5}
                weights: {cost: {cost: 2}}
                """, "t"), Documents.parse("""
                defaultBandwidthGbps: 1
                bandwidth: [{from: a, to: b, gbps: 100}]
                latency: [{from: r1, to: r2, ms: 30}]
                """, "t"));
        assertThat(s.maxJobsPerCycle()).isEqualTo(50);
        assertThat(s.halfLifeMillis()).isEqualTo(3_600_000);
        assertThat(s.tenantOrder()).isEqualTo("sjf");
        assertThat(s.preemption()).isFalse();
        assertThat(s.weightsFor(Objective.COST).cost()).isEqualTo(2);
        assertThat(s.network().bandwidth("b", "a")).isEqualTo(100);
        assertThat(s.network().latency("r2", "r1")).isEqualTo(30);
        assertThatThrownBy(() -> SchedulerSettings.parse(Documents.parse("fairShare: {historyWeight: 2}", "t")))
                .isInstanceOf(SpecException.class).hasMessageContaining("scheduler.fairShare.historyWeight");
        assertThatThrownBy(() -> SchedulerSettings.parse(Documents.parse("maxJobsPerCycle: 0", "t")))
                .hasMessageContaining("scheduler.maxJobsPerCycle");
        assertThatThrownBy(() -> SchedulerSettings.parse(Documents.parse("bogus: 1", "t")))
                .hasMessageContaining("scheduler.bogus");
        assertThatThrownBy(() -> SchedulerSettings.parse(null, Documents.parse("bandwidth: [{from: a, to: b}]", "t")))
                .hasMessageContaining("network.bandwidth[0].gbps");
    }
}
