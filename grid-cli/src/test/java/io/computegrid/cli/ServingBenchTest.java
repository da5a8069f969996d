package io.computegrid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** bench gateway and bench autoscale run, tiny: they start their own server and replicas and report their figures. */
class ServingBenchTest {
    static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void gatewayBenchReportsBothPathsAndTheRatios() {
        Cli.Result r = Cli.run("bench", "gateway", "--latency", "5", "--concurrency", "4", "--rounds", "2",
                "--round-seconds", "0.5", "-o", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        for (JsonNode m : new JsonNode[]{j, j.get("zeroWork")}) {
            assertThat(m.get("direct").get("requests").asInt()).isPositive();
            assertThat(m.get("gateway").get("requests").asInt()).isPositive();
            assertThat(m.get("p99Ratio").asDouble()).isPositive();
            assertThat(m.has("addedP50Millis")).isTrue();
        }
        assertThat(j.get("replicaLatencyMillis").asInt()).isEqualTo(5);
        assertThat(j.has("meetsGoal")).isTrue();
        assertThat(r.err()).contains("bench gateway: ");
    }

    @Test
    void autoscaleBenchTimesDecisionAndReadiness() {
        Cli.Result r = Cli.run("bench", "autoscale", "--repeats", "1", "--concurrency", "8", "--max", "2", "-o", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        JsonNode run = j.get("runs").get(0);
        assertThat(run.get("desiredAtDecision").asInt()).isEqualTo(2);
        assertThat(run.get("decisionSeconds").asDouble()).isPositive()
                .isLessThanOrEqualTo(run.get("allReadySeconds").asDouble());
        assertThat(j.get("allReadySeconds").get("max").asDouble()).isPositive();
        assertThat(r.err()).contains("bench autoscale: ");
        assertThat(Cli.run("bench", "autoscale", "--repeats", "0").exit()).isEqualTo(2);
    }
}
