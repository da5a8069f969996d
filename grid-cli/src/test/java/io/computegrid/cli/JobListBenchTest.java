package io.computegrid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code grid bench joblist} run small: real servers, seeded stores, the API and the console page in chromium. */
class JobListBenchTest {
    @Test
    void measuresTheListApiAndTheConsolePageAgainstAReferenceStore() {
        Cli.Result r = Cli.run("bench", "joblist", "--jobs", "1000", "--reference", "200", "--requests", "3",
                "--loads", "2", "-o", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("bench joblist: 1,000 jobs: seeded").contains("browser load 2/2");
        JsonNode j = JsonMapper.builder().build().readTree(r.out());
        assertThat(j.get("jobs").asInt()).isEqualTo(1000);
        for (String size : new String[]{"reference", "measured"}) {
            for (String kind : new String[]{"api.firstPage", "api.tenantState", "api.name", "api.deepCursor",
                    "browser.firstPage", "browser.state", "browser.deepCursor"}) {
                JsonNode k = j.get(size).get(kind);
                assertThat(k).as(size + " " + kind).isNotNull();
                assertThat(k.get("p50").asDouble()).isPositive().isLessThanOrEqualTo(k.get("p95").asDouble());
            }
        }
        assertThat(j.get("apiP95VsReference").asDouble()).isPositive();
        assertThat(j.get("browserP95Millis").asDouble()).isPositive();
        assertThat(j.get("goalMillis").asDouble()).isEqualTo(1000);
        assertThat(j.has("meetsGoal")).isTrue();
    }

    @Test
    void badSizesAreRefusedInOneLine() {
        Cli.Result r = Cli.run("bench", "joblist", "--jobs", "50");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("--jobs must be");
        assertThat(r.out()).isEmpty();
    }
}
