package io.computegrid.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.model.Clock;
import io.computegrid.model.Objective;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Plugin las-preempt: Tiresias' demotion by attained service and preemption of lower queues. */
class LasPreemptionTest {
    static final String A100 = "nvidia-a100";
    static final long HOUR = 3_600_000;

    /** One 8-card node; job 50 of tenant b has run 8 cards for an hour: 28,800 card-seconds, queue 1. */
    static Fed longRunner() {
        Fed f = Fed.create().center("c", "p", A100, 1, 8);
        f.tenant("a", A100, 8).tenant("b", A100, 8);
        f.run(50, "b", 100, 0, 24 * 3600, 8, "c-p-0");
        return f;
    }

    @Test
    void aLongRunningJobInALowQueueIsPreemptedForAFreshJob() {
        Fed f = longRunner();
        f.job(1, "a", 1, 8, 600);
        Plan p = Policies.byName("las").schedule(f.snapshot(), Clock.fixed(HOUR));
        assertThat(p.preemptions()).extracting(Preemption::victimJobId).containsExactly(50L);
        assertThat(p.preemptions().get(0).forJobId()).isEqualTo(1L);
        assertThat(p.preemptions().get(0).reason().plugin()).isEqualTo("las-preempt");
        assertThat(p.preemptions().get(0).reason().message()).contains("LAS queue 0 over queue 1", "28800 card-seconds");
        assertThat(p.starts()).isEmpty();
        assertThat(p.waiting().get(1L).code()).isEqualTo("PREEMPTING");
        // same input, same plan
        assertThat(Policies.byName("las").schedule(f.snapshot(), Clock.fixed(HOUR))).isEqualTo(p);
        // the default policy keeps its rules: in-quota work of equal priority is no victim
        assertThat(Policies.byName("default").schedule(f.snapshot(), Clock.fixed(HOUR)).preemptions()).isEmpty();
    }

    @Test
    void jobsInTheSameQueueDoNotPreemptEachOther() {
        Fed f = longRunner();
        f.job(1, "a", 1, 8, 600);
        // after 5 minutes the running job has 2,400 card-seconds: still queue 0, like the fresh job
        Plan p = Policies.byName("las").schedule(f.snapshot(), Clock.fixed(300_000));
        assertThat(p.preemptions()).isEmpty();
        assertThat(p.waiting().get(1L).code()).isEqualTo("CAPACITY");
    }

    @Test
    void theVictimComesBackInItsQueueAndCannotPreemptBack() {
        Fed f = longRunner();
        f.job(1, "a", 1, 8, 24 * 3600);
        Plan first = Policies.byName("las").schedule(f.snapshot(), Clock.fixed(HOUR));
        assertThat(first.preemptions()).hasSize(1);
        // the caller stops job 50 and requeues it with its attained service; the next cycle starts job 1
        Fed g = Fed.create().center("c", "p", A100, 1, 8);
        g.tenant("a", A100, 8).tenant("b", A100, 8);
        g.add(new PendingJob(1, "a", 100, 2, 0, 1, Fed.res(8000), 24 * HOUR, 0, true, Objective.BALANCED, List.of(),
                List.of(), 0, 0));
        g.add(new PendingJob(50, "b", 100, 1, 0, 1, Fed.res(8000), 24 * HOUR, 0, true, Objective.BALANCED, List.of(),
                List.of(), 8 * HOUR, 0));
        Plan second = Policies.byName("las").schedule(g.snapshot(), Clock.fixed(HOUR + 1000));
        assertThat(ScenarioTest.started(second)).containsExactly(1L);
        // job 1 runs 10 minutes (4,800 card-seconds, queue 1); job 50 (28,800, queue 1) does not preempt it
        Fed h = Fed.create().center("c", "p", A100, 1, 8);
        h.tenant("a", A100, 8).tenant("b", A100, 8);
        h.run(1, "a", 100, HOUR + 1000, 24 * 3600, 8, "c-p-0");
        h.add(new PendingJob(50, "b", 100, 1, 0, 1, Fed.res(8000), 24 * HOUR, 0, true, Objective.BALANCED, List.of(),
                List.of(), 8 * HOUR, 0));
        Plan third = Policies.byName("las").schedule(h.snapshot(), Clock.fixed(HOUR + 1000 + 600_000));
        assertThat(third.preemptions()).isEmpty();
    }

    @Test
    void aHigherPriorityClassIsNoVictimAndMinimumRuntimeProtects() {
        Fed f = Fed.create().center("c", "p", A100, 1, 8);
        f.tenant("a", A100, 8).tenant("b", A100, 8);
        f.running.add(new RunningJob(50, "b", 1000, "c", "p", A100, new ArrayList<>(List.of(
                new TaskAllocation(0, "c-p-0", new int[]{0, 1, 2, 3}, 1000, 1000, 1024))), 0, 24 * HOUR, 0, 0, true));
        f.running.add(new RunningJob(51, "b", 100, "c", "p", A100, new ArrayList<>(List.of(
                new TaskAllocation(0, "c-p-0", new int[]{4, 5, 6, 7}, 1000, 1000, 1024))), 0, 24 * HOUR, 2 * HOUR, 0,
                true));
        f.job(1, "a", 1, 4, 600);
        Plan p = Policies.byName("las").schedule(f.snapshot(), Clock.fixed(HOUR));
        assertThat(p.preemptions()).isEmpty();
    }

    @Test
    void serviceFromEarlierAttemptsCountsForARunningJob() {
        // job 50 restarted a minute ago (480 card-seconds in this attempt) after 8 card-hours in earlier ones
        List<TaskAllocation> eight = List.of(new TaskAllocation(0, "c-p-0", new int[]{0, 1, 2, 3, 4, 5, 6, 7}, 1000,
                1000, 1024));
        for (long before : new long[]{0, 8 * HOUR}) {
            Fed f = Fed.create().center("c", "p", A100, 1, 8);
            f.tenant("a", A100, 8).tenant("b", A100, 8);
            f.running.add(new RunningJob(50, "b", 100, "c", "p", A100, eight, HOUR, 24 * HOUR, 0, 0, true, List.of(),
                    before));
            f.job(1, "a", 1, 8, 600);
            Plan p = Policies.byName("las").schedule(f.snapshot(), Clock.fixed(HOUR + 60_000));
            if (before == 0) {
                assertThat(p.preemptions()).as("a first attempt of one minute is in queue 0").isEmpty();
            } else {
                assertThat(p.preemptions()).extracting(Preemption::victimJobId).containsExactly(50L);
                assertThat(p.preemptions().get(0).reason().message()).contains("over queue 1", "29280 card-seconds");
            }
        }
    }

    /** Job 50 ran one hour on 8 cards (28,800 card-seconds: queue 1) and was requeued at HOUR. */
    static PendingJob requeued(long queuedAt) {
        return new PendingJob(50, "b", 100, 1, 0, 1, Fed.res(8000), 24 * HOUR, 0, true, Objective.BALANCED, List.of(),
                List.of(), 8 * HOUR, 0, queuedAt, HOUR);
    }

    @Test
    void aJobThatWaitedStarveFactorTimesItsLastRunGoesBackToTheFirstQueue() {
        for (String starve : new String[]{null, "2"}) {
            Fed f = Fed.create().center("c", "p", A100, 1, 8);
            f.tenant("a", A100, 8).tenant("b", A100, 8);
            if (starve != null) {
                f.section("scheduler", "las: {starveFactor: " + starve + "}");
            }
            f.add(requeued(HOUR));
            f.add(new PendingJob(2, "a", 100, 2, 2 * HOUR, 1, Fed.res(8000), 24 * HOUR, 0, true, Objective.BALANCED,
                    List.of(), List.of(), 0, 0));
            // two hours after it was requeued: waited 2x its last run of one hour
            Plan p = Policies.byName("las").schedule(f.snapshot(), Clock.fixed(3 * HOUR));
            assertThat(ScenarioTest.started(p)).as("starveFactor " + starve)
                    .containsExactly(starve == null ? 2L : 50L);
            // a minute earlier it has not waited long enough
            if (starve != null) {
                assertThat(ScenarioTest.started(Policies.byName("las").schedule(f.snapshot(),
                        Clock.fixed(3 * HOUR - 60_000)))).containsExactly(2L);
            }
        }
    }

    @Test
    void aPromotedJobMayPreemptALowerQueue() {
        Fed f = Fed.create().center("c", "p", A100, 1, 8);
        f.tenant("a", A100, 8).tenant("b", A100, 8);
        f.section("scheduler", "las: {starveFactor: 2}");
        // job 60 has run 8 cards for 40 minutes since HOUR (19,200 card-seconds: queue 1), like job 50
        f.run(60, "a", 100, HOUR, 24 * 3600, 8, "c-p-0");
        f.add(requeued(HOUR));
        Plan early = Policies.byName("las").schedule(f.snapshot(), Clock.fixed(HOUR + 40 * 60_000));
        assertThat(early.preemptions()).as("same queue: no preemption").isEmpty();
        Plan late = Policies.byName("las").schedule(f.snapshot(), Clock.fixed(3 * HOUR));
        assertThat(late.preemptions()).extracting(Preemption::victimJobId).containsExactly(60L);
        assertThat(late.preemptions().get(0).reason().message()).contains("LAS queue 0 over queue");
    }

    @Test
    void starveFactorIsValidated() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SchedulerSettings.parse(
                io.computegrid.spec.Documents.parse("las: {starveFactor: -1}", "t")))
                .hasMessageContaining("scheduler.las.starveFactor");
        assertThat(SchedulerSettings.defaults().lasStarveFactor())
                .isEqualTo(SchedulerSettings.DEFAULT_LAS_STARVE_FACTOR);
    }
}
