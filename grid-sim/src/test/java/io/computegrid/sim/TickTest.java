package io.computegrid.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.config.FederationConfigParser;
import io.computegrid.model.Clock;
import io.computegrid.scheduler.FifoFirstFitScheduler;
import io.computegrid.scheduler.Plan;
import io.computegrid.scheduler.Scheduler;
import io.computegrid.scheduler.Snapshot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cycles run on events only, unless {@code tickMillis} asks for periodic ones while jobs wait. */
class TickTest {
    /** First fit, but job "late" may only start from 100 s on (a decision that depends on time alone). */
    static final class NotBefore100 implements Scheduler {
        final FifoFirstFitScheduler inner = new FifoFirstFitScheduler();
        final List<Long> cycles = new ArrayList<>();

        @Override
        public String name() {
            return "not-before-100";
        }

        @Override
        public Plan schedule(Snapshot s, Clock clock) {
            cycles.add(clock.nowMillis());
            Snapshot visible = clock.nowMillis() >= 100_000 ? s : new Snapshot(s.federation(), s.nodes(), s.running(),
                    s.pending().stream().filter(p -> p.id() != 2).toList(), s.decayedUsage());
            return inner.schedule(visible, clock);
        }
    }

    static final String FED = """
            centers:
              - name: lab
                pools:
                  - {name: a100, accelerator: nvidia-a100, nodes: 2, acceleratorsPerNode: 4}
            tenants:
              - {name: x, quota: {nvidia-a100: 8}}
            """;

    JobRecord late(long tickMillis, List<Long> cycles) {
        List<JobRecord> rows = new ArrayList<>();
        NotBefore100 s = new NotBefore100();
        new SimEngine(FederationConfigParser.parse(FED, "t"), s, SimOptions.defaults().withTick(tickMillis))
                .sinks(rows::add, null, null).run(List.of(HandComputedTraceTest.job("long", "x", 0, 200, 4),
                        HandComputedTraceTest.job("late", "x", 0, 10, 4)).iterator(), 2);
        cycles.addAll(s.cycles);
        return rows.stream().filter(r -> r.jobId().equals("late")).findFirst().orElseThrow();
    }

    @Test
    void withoutTicksTheNextEventIsTheNextChance() {
        List<Long> cycles = new ArrayList<>();
        assertThat(late(0, cycles).start()).isEqualTo(200_000);
        assertThat(cycles).containsExactly(0L, 200_000L);
    }

    @Test
    void ticksGiveTimeDependentPoliciesTheirChance() {
        List<Long> cycles = new ArrayList<>();
        assertThat(late(30_000, cycles).start()).isEqualTo(120_000);
        assertThat(cycles).containsExactly(0L, 30_000L, 60_000L, 90_000L, 120_000L);
    }
}
