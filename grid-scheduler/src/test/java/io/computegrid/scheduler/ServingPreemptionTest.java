package io.computegrid.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.computegrid.model.AcceleratorChoice;
import io.computegrid.model.Clock;
import io.computegrid.model.Objective;
import io.computegrid.model.TaskResources;
import io.computegrid.spec.Documents;
import io.computegrid.spec.SpecException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Serving and training share one pool and one quota: a serving replica may preempt training of the classes in
 * {@code scheduler.preemption.servingPreempts} (default low and spot) of any tenant, in quota or not; training
 * never preempts serving of equal or higher priority. One 8-card node, full; the pending job needs 4 cards.
 */
class ServingPreemptionTest {
    static final String A100 = "nvidia-a100";
    static final long NOW = 10_000_000;
    static final int HIGH = 1000;
    static final int NORMAL = 100;
    static final int LOW = 10;
    static final int SPOT = 0;

    /** A running job on half the node: cards 0-3 or 4-7. */
    record Run(long id, String tenant, int priority, boolean serving, long checkpointAgoMs, int half) {
        RunningJob job() {
            int[] cards = half == 0 ? new int[]{0, 1, 2, 3} : new int[]{4, 5, 6, 7};
            return new RunningJob(id, tenant, priority, "c", "p", A100,
                    List.of(new TaskAllocation(0, "c-p-0", cards, 1000, 1000, 1024)), NOW - 3_600_000, 0, 0,
                    checkpointAgoMs < 0 ? 0 : NOW - checkpointAgoMs, priority == SPOT, List.of(A100), 0, serving);
        }
    }

    static Arguments row(String name, String tenant, int priority, boolean serving, String settings, List<Run> running,
                         List<Long> victims) {
        return Arguments.of(name, tenant, priority, serving, settings, running, victims);
    }

    static Stream<Arguments> table() {
        Run lowB = new Run(50, "b", LOW, false, -1, 0);
        Run normalB = new Run(51, "b", NORMAL, false, -1, 1);
        return Stream.of(
                row("serving preempts low training of another tenant, in its quota", "a", HIGH, true, null,
                        List.of(lowB, normalB), List.of(50L)),
                row("serving preempts spot training", "a", NORMAL, true, null,
                        List.of(new Run(52, "b", SPOT, false, -1, 0), normalB), List.of(52L)),
                row("serving never preempts normal training of another tenant in quota", "a", HIGH, true, null,
                        List.of(normalB, new Run(53, "b", NORMAL, false, -1, 0)), List.of()),
                row("serving of priority low does not preempt low training", "a", LOW, true, null,
                        List.of(lowB, normalB), List.of()),
                row("the same high job as training may not preempt low in-quota work of another tenant", "a", HIGH, false,
                        null, List.of(lowB, normalB), List.of()),
                row("servingPreempts: [] turns the rule off", "a", HIGH, true, "preemption: {servingPreempts: []}",
                        List.of(lowB, normalB), List.of()),
                row("servingPreempts: [normal] lets serving take normal training", "a", HIGH, true,
                        "preemption: {servingPreempts: [normal]}", List.of(normalB, new Run(53, "b", NORMAL, false, -1, 0)),
                        List.of(51L)),
                row("the victim with the freshest checkpoint (least lost work) goes first", "a", HIGH, true, null,
                        List.of(new Run(60, "b", LOW, false, 1_800_000, 0), new Run(61, "b", LOW, false, 30_000, 1)),
                        List.of(61L)),
                row("training reclaiming its nominal quota does not preempt borrowed serving of its own priority", "b",
                        NORMAL, false, null,
                        List.of(new Run(70, "a", NORMAL, true, -1, 0), new Run(71, "a", NORMAL, true, -1, 1)), List.of()),
                row("training never preempts serving of higher priority, even the same tenant's", "a", NORMAL, false, null,
                        List.of(new Run(72, "a", HIGH, true, -1, 0), new Run(73, "a", HIGH, true, -1, 1)), List.of()),
                row("higher-priority training may still preempt lower-priority serving of its own tenant", "a", HIGH,
                        false, null, List.of(new Run(74, "a", LOW, true, -1, 0), normalB), List.of(74L)),
                row("serving preempts lower serving of its own tenant as before", "a", HIGH, true, null,
                        List.of(new Run(75, "a", NORMAL, true, -1, 0), normalB), List.of(75L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void scenario(String name, String tenant, int priority, boolean serving, String settings, List<Run> running,
                  List<Long> victims) {
        Fed f = Fed.create().center("c", "p", A100, 1, 8);
        // a has no cards of its own beyond 4, b holds its nominal 8: b's training is in quota
        f.tenant("a", A100, 4).tenant("b", A100, 8);
        if (settings != null) {
            f.section("scheduler", settings);
        }
        running.forEach(r -> f.running.add(r.job()));
        f.add(new PendingJob(1, tenant, priority, 1, NOW - 600_000, 1,
                new TaskResources(List.of(AcceleratorChoice.of(A100)), 4000, 1000, 1024), 0, 0, false,
                Objective.BALANCED, List.of(), List.of(), 0, 0, NOW - 600_000, 0, serving));
        Plan plan = Policies.byName("default").schedule(f.snapshot(), Clock.fixed(NOW));
        assertThat(plan.preemptions()).extracting(Preemption::victimJobId).as(name).containsExactlyElementsOf(victims);
        assertThat(plan.starts()).as(name).isEmpty();
        if (!victims.isEmpty()) {
            assertThat(plan.waiting().get(1L).code()).isEqualTo("PREEMPTING");
        }
    }

    @Test
    void theServingReasonNamesTheSetting() {
        Fed f = Fed.create().center("c", "p", A100, 1, 8);
        f.tenant("a", A100, 4).tenant("b", A100, 8);
        f.running.add(new Run(50, "b", LOW, false, 120_000, 0).job());
        f.running.add(new Run(51, "b", NORMAL, false, -1, 1).job());
        f.add(new PendingJob(1, "a", HIGH, 1, NOW, 1, new TaskResources(List.of(AcceleratorChoice.of(A100)), 4000, 1000,
                1024), 0, 0, false, Objective.BALANCED, List.of(), List.of(), 0, 0, NOW, 0, true));
        Plan plan = Policies.byName("default").schedule(f.snapshot(), Clock.fixed(NOW));
        assertThat(plan.preemptions()).singleElement().satisfies(p -> assertThat(p.reason().message())
                .contains("serving replica", "scheduler.preemption.servingPreempts", "loses 120 s of work"));
    }

    @Test
    void lasNeverDemotesAReplicaIntoAVictimOfTraining() {
        Fed f = Fed.create().center("c", "p", A100, 1, 8);
        f.tenant("a", A100, 4).tenant("b", A100, 4);
        // a replica that has served for an hour on 8 cards: far down the LAS queues
        f.running.add(new RunningJob(80, "a", NORMAL, "c", "p", A100, List.of(new TaskAllocation(0, "c-p-0",
                new int[]{0, 1, 2, 3, 4, 5, 6, 7}, 1000, 1000, 1024)), NOW - 3_600_000, 0, 0, 0, false, List.of(A100),
                0, true));
        f.job(1, "b", NORMAL, 1, 4000, 60, A100);
        Plan plan = Policies.byName("las").schedule(f.snapshot(), Clock.fixed(NOW));
        assertThat(plan.preemptions()).isEmpty();
    }

    @Test
    void anUnknownClassInTheSettingIsRefusedWithItsPath() {
        assertThatThrownBy(() -> SchedulerSettings.parse(Documents.parse(
                "preemption: {servingPreempts: [low, bulk]}", "t"), null))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("scheduler.preemption.servingPreempts[1]: unknown priority class 'bulk'");
        assertThat(SchedulerSettings.defaults().servingPreemptsPriorities()).containsExactlyInAnyOrder(LOW, SPOT);
    }
}
