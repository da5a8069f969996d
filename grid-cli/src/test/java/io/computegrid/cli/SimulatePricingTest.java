package io.computegrid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A replay is priced with the production price book: cost per tenant, revenue per center and provider. */
class SimulatePricingTest {
    @TempDir
    Path dir;

    @Test
    void aReplayReportsCostPerTenantAndRevenuePerCenter() throws Exception {
        Path trace = Files.writeString(dir.resolve("t.csv"), """
                submit_time,duration,num_gpus,tenant,gpu_type
                0,3600,8,a,nvidia-a100
                10,1800,4,b,nvidia-a100
                20,7200,2,b,ascend-910b
                """);
        Path fed = Files.writeString(dir.resolve("f.yaml"), """
                centers:
                  - name: c1
                    provider: telecom
                    pools: [{name: p, accelerator: nvidia-a100, nodes: 2, acceleratorsPerNode: 8, pricePerCardHour: 10}]
                  - name: c2
                    pools: [{name: q, accelerator: ascend-910b, nodes: 1, acceleratorsPerNode: 8, pricePerCardHour: 6.5}]
                """);
        Cli.Result r = Cli.run("simulate", "--trace", trace.toString(), "--format", "csv", "--federation", fed.toString(),
                "-o", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode b = JsonMapper.builder().build().readTree(r.out()).get("billing");
        assertThat(b.get("currency").asString()).isEqualTo("CNY");
        // a: 8 cards x 1 h x 10; b: 4 x 0.5 h x 10 + 2 x 2 h x 6.5
        assertThat(b.get("costPerTenant").get("a").decimalValue()).isEqualByComparingTo("80");
        assertThat(b.get("costPerTenant").get("b").decimalValue()).isEqualByComparingTo("46");
        assertThat(b.get("revenuePerCenter").get("c1").decimalValue()).isEqualByComparingTo("100");
        assertThat(b.get("revenuePerCenter").get("c2").decimalValue()).isEqualByComparingTo("26");
        assertThat(b.get("revenuePerProvider").get("telecom").decimalValue()).isEqualByComparingTo("100");
        assertThat(b.get("totalCost").decimalValue()).isEqualByComparingTo("126");
    }
}
