package io.computegrid.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.config.FederationConfigParser;
import io.computegrid.scheduler.FifoFirstFitScheduler;
import io.computegrid.sim.trace.TraceJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Run time from the trace, scaled by the model's speed factor and cut by the user's limit. */
class RunTimeModelTest {
    static final String FED = """
            centers:
              - name: lab
                pools:
                  - {name: h100, accelerator: nvidia-h100, nodes: 1, acceleratorsPerNode: 8}
            tenants:
              - {name: x, quota: {nvidia-h100: 8}}
            """;

    List<JobRecord> run(SimOptions o, TraceJob... jobs) {
        List<JobRecord> rows = new ArrayList<>();
        SimResult r = new SimEngine(FederationConfigParser.parse(FED, "t"), new FifoFirstFitScheduler(), o)
                .sinks(rows::add, null, null).run(List.of(jobs).iterator(), jobs.length);
        assertThat(r.summary().get("finished")).isEqualTo(jobs.length);
        return rows;
    }

    @Test
    void speedFactorShortensTheRun() {
        List<JobRecord> rows = run(SimOptions.defaults().withSpeeds(Map.of("nvidia-h100", 2.5)),
                HandComputedTraceTest.job("a", "x", 0, 100, 1));
        assertThat(rows.get(0).end()).isEqualTo(40_000);
    }

    @Test
    void maxRuntimeKillsTheJobAndIsCounted() {
        TraceJob limited = new TraceJob(2, "l", "x", 0, 100_000, 1000, 0, 0, List.of(), 30_000, null);
        TraceJob enough = new TraceJob(3, "e", "x", 0, 20_000, 1000, 0, 0, List.of(), 30_000, null);
        List<JobRecord> rows = new ArrayList<>();
        SimResult r = new SimEngine(FederationConfigParser.parse(FED, "t"), new FifoFirstFitScheduler(),
                SimOptions.defaults()).sinks(rows::add, null, null).run(List.of(limited, enough).iterator(), 2);
        assertThat(rows).filteredOn(x -> x.jobId().equals("l")).singleElement()
                .satisfies(x -> assertThat(x.status()).isEqualTo("killed"))
                .satisfies(x -> assertThat(x.end()).isEqualTo(30_000));
        assertThat(rows).filteredOn(x -> x.jobId().equals("e")).singleElement()
                .satisfies(x -> assertThat(x.status()).isEqualTo("completed"));
        assertThat(r.summary().get("killed")).isEqualTo(1L);
        // slowdown of a killed job is against its limit: 30/30 and 20/20
        assertThat(r.summary().get("avgSlowdown")).isEqualTo(1.0);
    }

    @Test
    void largeRequestsBecomeGangsOfWholeNodes() {
        String fed = """
                centers:
                  - name: lab
                    pools:
                      - {name: a100, accelerator: nvidia-a100, nodes: 3, acceleratorsPerNode: 8}
                tenants:
                  - {name: x, quota: {nvidia-a100: 24}}
                """;
        List<JobRecord> rows = new ArrayList<>();
        new SimEngine(FederationConfigParser.parse(fed, "t"), new FifoFirstFitScheduler(), SimOptions.defaults())
                .sinks(rows::add, null, null).run(List.of(HandComputedTraceTest.job("g", "x", 0, 10, 24),
                        HandComputedTraceTest.job("h", "x", 0, 10, 12)).iterator(), 2);
        assertThat(rows.get(0).nodes()).isEqualTo("lab/a100/0+lab/a100/1+lab/a100/2");
        assertThat(rows.get(1).jobId()).isEqualTo("h");
        assertThat(rows.get(1).start()).isEqualTo(10_000); // 2 tasks of 6 cards wait for the 24-card gang
        assertThat(rows.get(1).nodes().split("\\+")).hasSize(2);
    }
}
