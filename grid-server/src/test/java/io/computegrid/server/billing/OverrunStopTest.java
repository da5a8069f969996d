package io.computegrid.server.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A tenant over its monthly budget with {@code overrun: stop}: the metering slice stops its priced work, and
 * leaves its free work running (the funds gate admits free work whatever the tenant's funds, so stopping it
 * for them would contradict admission). A real server, real processes, the real 10 s slice.
 */
class OverrunStopTest {
    @TempDir
    Path dir;

    @Test
    void pricedWorkIsStoppedAtTheBudgetAndFreeWorkRunsOn() throws Exception {
        Path config = dir.resolve("fed.yaml");
        Files.writeString(config, """
                centers:
                  - name: lab
                    pools:
                      - {name: paid, accelerator: nvidia-a100, nodes: 1, acceleratorsPerNode: 8, cpu: 16, memory: 64Gi, pricePerCardHour: 36}
                      - {name: donated, accelerator: nvidia-t4, nodes: 1, acceleratorsPerNode: 8, cpu: 16, memory: 64Gi}
                tenants:
                  - name: acme
                    quota: {nvidia-a100: 8, nvidia-t4: 8}
                metering:
                  sliceSeconds: 10
                  overrun: stop
                """);
        try (TestServer s = new TestServer(dir.resolve("data"), config)) {
            String admin = s.adminToken();
            assertThat(s.call("POST", "/api/v1/tenants/acme/topup", admin, "{\"amount\": 100}").status()).isEqualTo(200);
            long paid = s.submit(admin, TestServer.spec("paid", "acme", 1, "nvidia-a100", 1, "[\"sleep\", \"40\"]",
                    "maxRuntime: 2m\n"));
            long free = s.submit(admin, TestServer.spec("free", "acme", 1, "nvidia-t4", 1, "[\"sleep\", \"14\"]",
                    "maxRuntime: 2m\n"));
            s.await(admin, paid, Duration.ofSeconds(30), "RUNNING");
            s.await(admin, free, Duration.ofSeconds(30), "RUNNING");
            // a budget the paid job's first slice already exceeds (0.01 per second)
            assertThat(s.call("PUT", "/api/v1/tenants/acme/account", admin, "{\"monthlyBudget\": 0.01}").status())
                    .isEqualTo(200);

            JsonNode stopped = s.await(admin, paid, Duration.ofSeconds(35), "CANCELLED", "SUCCEEDED", "FAILED");
            assertThat(stopped.get("state").asString()).as("%s", stopped).isEqualTo("CANCELLED");
            // the job says why it was stopped, not only "cancelled"
            assertThat(stopped.get("reason").asString()).startsWith("stopped at its budget cap: tenant acme spent")
                    .contains("of its monthly budget 0.01");
            JsonNode ran = s.await(admin, free, Duration.ofSeconds(35), "CANCELLED", "SUCCEEDED", "FAILED");
            assertThat(ran.get("state").asString()).as("free work over the budget: %s", ran).isEqualTo("SUCCEEDED");
        }
    }
}
