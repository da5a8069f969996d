package io.computegrid.server.leadership;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.server.TestServer;
import io.computegrid.server.api.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * readyz fails when the database is gone: SIGKILL of the embedded PostgreSQL under a running server turns readyz
 * into 503 with the reason within seconds, the server stops acting (fail-stop) and says so once, every API path
 * answers 503, and a restart on the same data directory brings it back.
 */
class DatabaseLossTest {
    @TempDir
    Path dir;

    @Test
    void killingThePostmasterMakesReadyz503AndStopsTheServer() throws Exception {
        try (TestServer s = new TestServer(dir.resolve("data"))) {
            CountDownLatch lost = new CountDownLatch(1);
            AtomicReference<String> why = new AtomicReference<>();
            s.server.onLeadershipLost(r -> {
                why.set(r);
                lost.countDown();
            });
            String admin = s.adminToken();
            assertThat(s.call("GET", "/readyz", null, null).status()).isEqualTo(200);
            long pid = s.server.database().embeddedDatabase().orElseThrow().postmasterPid();
            assertThat(pid).isPositive();

            ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL the postmaster
            long t0 = System.nanoTime();
            JsonNode body = null;
            while (System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos()) {
                TestServer.Res r = s.call("GET", "/readyz", null, null);
                if (r.status() == 503) {
                    body = Json.MAPPER.readTree(r.body());
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(body).as("readyz turned 503 within 10 s").isNotNull();
            assertThat(body.get("reason").asString()).satisfiesAnyOf(
                    reason -> assertThat(reason).contains("database"),
                    reason -> assertThat(reason).contains("lost leadership"));
            assertThat(lost.await(10, TimeUnit.SECONDS)).as("fail-stop").isTrue();
            assertThat(why.get()).contains("database connection holding leadership failed");
            TestServer.Res after = s.call("GET", "/readyz", null, null);
            assertThat(after.status()).isEqualTo(503);
            assertThat(Json.MAPPER.readTree(after.body()).get("status").asString()).isEqualTo("lost");
            TestServer.Res api = s.call("GET", "/api/v1/jobs", admin, null);
            assertThat(api.status()).isEqualTo(503);
            assertThat(api.body()).contains("lost leadership");

            s.restart(); // the same data directory: the dead postmaster's files are recovered
            assertThat(s.call("GET", "/readyz", null, null).status()).isEqualTo(200);
            assertThat(s.call("GET", "/api/v1/jobs", admin, null).status()).isEqualTo(200);
        }
    }
}
