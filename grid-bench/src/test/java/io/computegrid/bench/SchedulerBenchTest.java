package io.computegrid.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SchedulerBenchTest {
    @Test
    void runsBothSchedulersAndReportsTheFigures() {
        SchedulerBench.Result r = SchedulerBench.run(new SchedulerBench.Options(200, 2000, 5, 4, 2, 1, "default", false));
        assertThat(r.placements()).isPositive();
        assertThat(r.naivePlacements()).isPositive();
        assertThat(r.placementsPerSecond()).isPositive();
        assertThat(r.cycleP99Millis()).isGreaterThanOrEqualTo(r.cycleP50Millis());
        assertThat(r.toMap()).containsKeys("placementsPerSecond", "naivePlacementsPerSecond", "cycleP99Millis", "nodes",
                "pending", "tenants");
    }

    @Test
    void aReferenceStateIsDrivenInTheSameRunAndGivesTheRatio() {
        SchedulerBench.Result r = SchedulerBench.run(new SchedulerBench.Options(100, 4000, 5, 5, 0, 1, "default", false,
                500));
        assertThat(r.referencePending()).isEqualTo(500);
        assertThat(r.referenceCycleP99Millis()).isPositive();
        assertThat(r.cycleP99VsReference()).isCloseTo(r.cycleP99Millis() / r.referenceCycleP99Millis(),
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.toMap()).containsKeys("referencePending", "referenceCycleP99Millis", "cycleP99VsReference");
        assertThat(SchedulerBench.run(new SchedulerBench.Options(100, 400, 5, 2, 0, 1, "default", false)).toMap())
                .doesNotContainKey("referencePending");
    }

    @Test
    void syntheticStateIsDeterministic() {
        var a = SyntheticState.generate(40, 300, 3, 9);
        var b = SyntheticState.generate(40, 300, 3, 9);
        assertThat(a.pending).isEqualTo(b.pending);
        assertThat(a.nodes).isEqualTo(b.nodes);
    }

    @Test
    void naivePlansNeverDoubleBookACard() {
        var s = SyntheticState.generate(20, 500, 3, 3);
        var plan = new NaiveScheduler().schedule(new io.computegrid.scheduler.Snapshot(s.federation, s.nodes,
                java.util.List.of(), s.pending), () -> 0);
        java.util.Map<String, Integer> used = new java.util.HashMap<>();
        for (var p : plan.starts()) {
            for (var t : p.tasks()) {
                for (int c : t.cards()) {
                    assertThat(used.merge(t.node() + "#" + c, t.milliPerCard(), Integer::sum)).isLessThanOrEqualTo(1000);
                }
            }
        }
    }
}
