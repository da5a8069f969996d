package io.computegrid.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.computegrid.config.FederationConfig;
import io.computegrid.config.FederationConfigParser;
import io.computegrid.scheduler.FifoFirstFitScheduler;
import io.computegrid.sim.trace.TraceJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A trace small enough to work out by hand, replayed with strict FIFO first fit on one node of
 * four cards:
 * <pre>
 *   job  tenant submit duration cards   start  end   JCT  queue slowdown
 *   a    x      0      100      2       0      100   100  0     1
 *   b    x      0      50       4       100    150   150  100   3
 *   c    y      10     20       2       150    170   160  140   8
 * </pre>
 * Quotas (8 cards each) never bind, so b waits for capacity beside a and blocks c (no backfill). avg JCT 410/3, avg queue 80, avg slowdown 4,
 * p50 JCT 150 and p99 160 (nearest rank), makespan 170, lower bound max(440 card-s / 4 cards, 100) = 110,
 * utilization 440 / (4 x 170), Jain over tenants' 1/slowdown (1/2 and 1/8): 0.625^2 / (2 x 0.265625) = 100 / 136.
 */
class HandComputedTraceTest {
    static final String FED = """
            centers:
              - name: lab
                pools:
                  - {name: a100, accelerator: nvidia-a100, nodes: 1, acceleratorsPerNode: 4}
            tenants:
              - {name: x, quota: {nvidia-a100: 8}}
              - {name: y, quota: {nvidia-a100: 8}}
            """;

    static List<TraceJob> trace() {
        return List.of(job("a", "x", 0, 100, 2), job("b", "x", 0, 50, 4), job("c", "y", 10, 20, 2));
    }

    static TraceJob job(String id, String tenant, long submitS, long durS, int cards) {
        return new TraceJob(1, id, tenant, submitS * 1000, durS * 1000, cards * 1000L, 0, 0, List.of(), 0, null);
    }

    @Test
    void summaryMatchesHandComputation() {
        FederationConfig fed = FederationConfigParser.parse(FED, "test");
        List<JobRecord> rows = new ArrayList<>();
        SimResult r = new SimEngine(fed, new FifoFirstFitScheduler(), SimOptions.defaults().withPolicy("fifo"))
                .sinks(rows::add, null, null).run(trace().iterator(), 3);
        Map<String, Object> s = r.summary();
        assertThat(s.get("jobs")).isEqualTo(3L);
        assertThat(s.get("finished")).isEqualTo(3);
        assertThat((double) s.get("avgJctSeconds")).isCloseTo(410.0 / 3, within(1e-3));
        assertThat(s.get("p50JctSeconds")).isEqualTo(150.0);
        assertThat(s.get("p99JctSeconds")).isEqualTo(160.0);
        assertThat(s.get("avgQueueSeconds")).isEqualTo(80.0);
        assertThat(s.get("p99QueueSeconds")).isEqualTo(140.0);
        assertThat(s.get("avgSlowdown")).isEqualTo(4.0);
        assertThat(s.get("makespanSeconds")).isEqualTo(170.0);
        assertThat(s.get("makespanLowerBoundSeconds")).isEqualTo(110.0);
        assertThat((double) s.get("utilization")).isCloseTo(440.0 / 680, within(1e-4));
        assertThat((double) s.get("jainFairness")).isCloseTo(100.0 / 136, within(1e-4));
        assertThat(s.get("rejected")).isEqualTo(0L);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> tenants = (Map<String, Map<String, Object>>) s.get("tenants");
        assertThat(tenants.get("x").get("avgJctSeconds")).isEqualTo(125.0);
        assertThat(tenants.get("y").get("avgQueueSeconds")).isEqualTo(140.0);
        assertThat((double) tenants.get("x").get("share")).isCloseTo(400.0 / 440, within(1e-4));
        assertThat(rows).extracting(JobRecord::jobId).containsExactly("a", "b", "c");
        assertThat(rows).extracting(JobRecord::start).containsExactly(0L, 100_000L, 150_000L);
        assertThat(rows).extracting(JobRecord::status).containsOnly("completed");
    }
}
