package io.computegrid.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.model.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Invariants of the autoscaler over random settings, load traces and readiness lags: desired stays within
 * [min, max]; never down while in panic; zero after idling with min 0; more load never means fewer replicas.
 */
class AutoscalerPropertiesTest {
    static final long TICK = 500;

    record Setup(ServiceSpec.Autoscaling settings, ServiceSpec.Replicas bounds, List<Double> load, int lag) {
    }

    @Provide
    Arbitrary<Setup> setups() {
        Arbitrary<ServiceSpec.Autoscaling> settings = Combinators.combine(
                Arbitraries.doubles().between(0.5, 20), Arbitraries.integers().between(2, 40),
                Arbitraries.integers().between(1, 20), Arbitraries.doubles().between(1, 5),
                Arbitraries.integers().between(1, 60)).as((target, stable, panicPct, threshold, zero) ->
                new ServiceSpec.Autoscaling(target, Duration.ofSeconds(stable),
                        Duration.ofMillis(Math.max(500, stable * 1000L * panicPct / 20)), threshold,
                        Duration.ofSeconds(zero)));
        Arbitrary<ServiceSpec.Replicas> bounds = Combinators.combine(Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(1, 20)).as((min, span) -> new ServiceSpec.Replicas(min, min + span, min));
        // load in bursts: runs of one level
        Arbitrary<List<Double>> load = Combinators.combine(Arbitraries.doubles().between(0, 60),
                        Arbitraries.integers().between(1, 80)).as((level, ticks) -> {
                    List<Double> l = new ArrayList<>();
                    for (int i = 0; i < ticks; i++) {
                        l.add(level < 10 ? 0.0 : level);
                    }
                    return l;
                }).list().ofMinSize(1).ofMaxSize(12)
                .map(runs -> runs.stream().flatMap(List::stream).toList());
        return Combinators.combine(settings, bounds, load, Arbitraries.integers().between(0, 6)).as(Setup::new);
    }

    /** Runs a trace; ready replicas follow desired {@code lag} ticks late. */
    static List<Decision> run(Setup s, List<Double> load) {
        Autoscaler a = new Autoscaler(s.settings(), s.bounds(), 0, s.bounds().initial());
        List<Decision> out = new ArrayList<>();
        List<Integer> desired = new ArrayList<>();
        long now = 0;
        for (double l : load) {
            now += TICK;
            a.record(now, TICK, l);
            int ready = desired.size() > s.lag() ? desired.get(desired.size() - 1 - s.lag()) : s.bounds().initial();
            Decision d = a.decide(now, ready);
            out.add(d);
            desired.add(d.desired());
        }
        return out;
    }

    @Property(tries = 400)
    void desiredStaysWithinBounds(@ForAll("setups") Setup s) {
        for (Decision d : run(s, s.load())) {
            assertThat(d.desired()).isBetween(s.bounds().min(), s.bounds().max());
        }
    }

    @Property(tries = 400)
    void neverScalesDownInPanic(@ForAll("setups") Setup s) {
        List<Decision> ds = run(s, s.load());
        for (int i = 1; i < ds.size(); i++) {
            if (ds.get(i).mode() == Decision.Mode.PANIC) {
                assertThat(ds.get(i).desired()).as("tick %d: %s after %s", i, ds.get(i), ds.get(i - 1))
                        .isGreaterThanOrEqualTo(ds.get(i - 1).desired());
            }
        }
    }

    @Property(tries = 300)
    void scalesToMinAfterIdling(@ForAll("setups") Setup s) {
        List<Double> load = new ArrayList<>(s.load());
        // panic may be triggered until the panic window has emptied, and lasts a stable window after that
        long idle = Math.max(s.settings().scaleToZeroAfter().toMillis(),
                s.settings().panicWindow().toMillis() + s.settings().stableWindow().toMillis());
        for (long t = 0; t <= idle + TICK; t += TICK) {
            load.add(0.0);
        }
        List<Decision> ds = run(s, load);
        Decision last = ds.get(ds.size() - 1);
        assertThat(last.desired()).as(last.reason()).isEqualTo(s.bounds().min());
        if (s.bounds().min() == 0) {
            assertThat(last.reason()).contains("scaled to zero");
        }
    }

    @Property(tries = 300)
    void moreLoadNeverMeansFewerReplicas(@ForAll("setups") Setup s, @ForAll("extra") List<Double> extra) {
        List<Double> more = new ArrayList<>();
        for (int i = 0; i < s.load().size(); i++) {
            more.add(s.load().get(i) + extra.get(i % extra.size()));
        }
        Setup noLag = new Setup(s.settings(), s.bounds(), s.load(), 0);
        List<Decision> a = runFixedReady(noLag, s.load());
        List<Decision> b = runFixedReady(noLag, more);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).desired()).as("tick %d: %s vs %s", i, a.get(i), b.get(i))
                    .isGreaterThanOrEqualTo(a.get(i).desired());
        }
    }

    @Provide
    Arbitrary<List<Double>> extra() {
        return Arbitraries.doubles().between(0, 30).list().ofMinSize(1).ofMaxSize(20);
    }

    /** The same ready count for both traces (monotonicity compares load, not the feedback of readiness). */
    static List<Decision> runFixedReady(Setup s, List<Double> load) {
        Autoscaler a = new Autoscaler(s.settings(), s.bounds(), 0, s.bounds().initial());
        List<Decision> out = new ArrayList<>();
        long now = 0;
        for (double l : load) {
            now += TICK;
            a.record(now, TICK, l);
            out.add(a.decide(now, 1));
        }
        return out;
    }
}
