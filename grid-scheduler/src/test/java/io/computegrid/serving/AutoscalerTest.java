package io.computegrid.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.model.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The autoscaler over scripted load, ticking every 500 ms with ready replicas one tick behind desired. */
class AutoscalerTest {
    static final long TICK = 500;

    static ServiceSpec.Autoscaling settings(double target) {
        return new ServiceSpec.Autoscaling(target, Duration.ofSeconds(60), Duration.ofSeconds(6), 2.0,
                Duration.ofSeconds(60));
    }

    /** Drives an autoscaler: each step is one tick of the given in-flight load. */
    static final class Run {
        final Autoscaler a;
        long now;
        int ready;
        final List<Decision> decisions = new ArrayList<>();

        Run(ServiceSpec.Autoscaling s, ServiceSpec.Replicas r) {
            a = new Autoscaler(s, r, 0, r.initial());
            ready = r.initial();
        }

        Decision step(double load) {
            now += TICK;
            a.record(now, TICK, load);
            Decision d = a.decide(now, ready);
            ready = d.desired(); // replicas become ready by the next tick
            decisions.add(d);
            return d;
        }

        Decision steps(double load, long seconds) {
            Decision d = null;
            for (long i = 0; i < seconds * 1000 / TICK; i++) {
                d = step(load);
            }
            return d;
        }
    }

    @Test
    void aSteadyLoadGetsCeilOfLoadOverTarget() {
        Run r = new Run(settings(4), new ServiceSpec.Replicas(1, 10, 1));
        Decision d = r.steps(10, 120);
        assertThat(d.desired()).isEqualTo(3);
        assertThat(d.mode()).isEqualTo(Decision.Mode.STABLE);
        assertThat(d.stableConcurrency()).isEqualTo(10.0);
        assertThat(d.reason()).contains("stable", "average 10.00", "target 4");
    }

    @Test
    void aBurstPanicsWithinSecondsAndScalesOnThePanicWindow() {
        Run r = new Run(settings(1), new ServiceSpec.Replicas(1, 10, 1));
        r.steps(0.5, 30);
        int ticks = 0;
        Decision d;
        do {
            d = r.step(8);
            ticks++;
        } while (d.mode() != Decision.Mode.PANIC);
        // the 6 s average of a step from 0.5 to 8 reaches 2 x (1 ready x target 1) after 3 ticks
        assertThat(ticks * TICK).isEqualTo(1_500);
        assertThat(d.desired()).isGreaterThan(1);
        assertThat(d.reason()).startsWith("panic");
        // within the panic window the desired count reaches the load
        assertThat(r.steps(8, 6).desired()).isEqualTo(8);
    }

    @Test
    void panicNeverScalesDownAndEndsAfterAStableWindowWithoutTriggers() {
        Run r = new Run(settings(1), new ServiceSpec.Replicas(1, 10, 1));
        r.steps(8, 6);
        Decision burst = r.decisions.get(r.decisions.size() - 1);
        assertThat(burst.mode()).isEqualTo(Decision.Mode.PANIC);
        int from = r.decisions.size();
        r.steps(1, 70);
        List<Decision> after = r.decisions.subList(from, r.decisions.size());
        int panicTicks = 0;
        for (int i = 0; i < after.size() && after.get(i).mode() == Decision.Mode.PANIC; i++) {
            assertThat(after.get(i).desired()).isGreaterThanOrEqualTo(burst.desired());
            panicTicks++;
        }
        // the last trigger came early in the 6 s burst (capacity caught up); panic ends 60 s after it
        assertThat(panicTicks * TICK).isBetween(50_000L, 60_000L);
        assertThat(after.subList(panicTicks, after.size())).allMatch(d -> d.mode() == Decision.Mode.STABLE);
        // out of panic the stable window decides: it still remembers the burst, and forgets it within 60 s
        assertThat(after.get(panicTicks).desired()).isLessThan(burst.desired());
        // a load of exactly the target on one replica would not let the second go (10% headroom on the way down)
        assertThat(r.steps(1, 61).desired()).isEqualTo(2);
        assertThat(r.steps(0.85, 61).desired()).isEqualTo(1);
    }

    @Test
    void idleWithMinZeroKeepsOneWarmThenScalesToZero() {
        ServiceSpec.Autoscaling s = new ServiceSpec.Autoscaling(2, Duration.ofSeconds(10), Duration.ofSeconds(2), 2.0,
                Duration.ofSeconds(30));
        Run r = new Run(s, new ServiceSpec.Replicas(0, 4, 1));
        r.steps(3, 10);
        Decision warm = r.steps(0, 29);
        assertThat(warm.desired()).isEqualTo(1);
        assertThat(warm.reason()).contains("one kept warm");
        Decision zero = r.steps(0, 2);
        assertThat(zero.desired()).isZero();
        assertThat(zero.reason()).contains("scaled to zero");
        // the first request after idling asks for one replica at once
        assertThat(r.step(1).desired()).isEqualTo(1);
    }

    @Test
    void aNewServiceKeepsItsInitialReplicasUntilScaleToZeroAfter() {
        ServiceSpec.Autoscaling s = new ServiceSpec.Autoscaling(2, Duration.ofSeconds(10), Duration.ofSeconds(2), 2.0,
                Duration.ofSeconds(30));
        Run r = new Run(s, new ServiceSpec.Replicas(0, 4, 1));
        assertThat(r.steps(0, 29).desired()).isEqualTo(1);
        assertThat(r.steps(0, 2).desired()).isZero();
    }

    @Test
    void aServiceAtZeroStaysThereUntilARequestComes() {
        ServiceSpec.Autoscaling s = new ServiceSpec.Autoscaling(2, Duration.ofSeconds(10), Duration.ofSeconds(2), 2.0,
                Duration.ofSeconds(30));
        Run r = new Run(s, new ServiceSpec.Replicas(0, 4, 0));
        assertThat(r.steps(0, 5).desired()).isZero();
        assertThat(r.step(0.01).desired()).isEqualTo(1);
    }

    @Test
    void boundsAreKeptAndSaid() {
        Run r = new Run(settings(1), new ServiceSpec.Replicas(2, 3, 2));
        Decision high = r.steps(50, 10);
        assertThat(high.desired()).isEqualTo(3);
        assertThat(high.reason()).contains("capped at max 3");
        Decision low = r.steps(0, 200);
        assertThat(low.desired()).isEqualTo(2);
        assertThat(low.reason()).contains("raised to min 2");
    }

    @Test
    void aLoadHoveringAtAReplicaBoundaryDoesNotFlap() {
        // seen in the README's walkthrough: a 60 s average of 3.99 / 4.01 in flight (target 4) went 1 -> 2 -> 1
        // within two seconds
        Run r = new Run(settings(4), new ServiceSpec.Replicas(0, 4, 1));
        r.steps(4.2, 60);
        assertThat(r.decisions.get(r.decisions.size() - 1).desired()).isEqualTo(2);
        int from = r.decisions.size();
        for (int i = 0; i < 240; i++) {
            r.step(i % 2 == 0 ? 3.7 : 4.1);
        }
        assertThat(r.decisions.subList(from, r.decisions.size())).extracting(Decision::desired).containsOnly(2);
        assertThat(r.decisions.get(r.decisions.size() - 1).reason()).contains("down only to 2", "90% of the target");
        // a real drop still scales down, to what keeps the remaining replica below 90% of the target
        Decision down = r.steps(3.5, 120);
        assertThat(down.desired()).isEqualTo(1);
        assertThat(down.reason()).doesNotContain("down only");
    }
}
