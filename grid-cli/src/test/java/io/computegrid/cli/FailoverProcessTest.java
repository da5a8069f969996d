package io.computegrid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.cli.ha.DispatchLog;
import io.computegrid.store.EmbeddedDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two real {@code grid server} processes on one PostgreSQL: one active, one standby answering 503 with the
 * active server's URL; kill -9 of the active one, the standby takes over, the running jobs are requeued and
 * finish, no job attempt ran twice or overlapped another, and the old epoch can no longer write.
 */
class FailoverProcessTest {
    @TempDir
    Path dir;

    @Test
    void theStandbyTakesOverAfterKill9AndEveryJobFinishesOnceAtATime() throws Exception {
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(dir.resolve("pg"))) {
            Path data = dir.resolve("data");
            Path markers = dir.resolve("markers.log");
            String[] args = {"--demo", "--db-url", pg.jdbcUrl(), "--db-user", EmbeddedDatabase.USER};
            try (ServerProcess a = new ServerProcess(data, ServerProcess.freePort(), "a").args(args)
                    .env("GRID_DB_PASSWORD", pg.password()).start();
                 ServerProcess b = new ServerProcess(data, ServerProcess.freePort(), "b").args(args)
                         .env("GRID_DB_PASSWORD", pg.password()).launch()) {
                String token = a.adminToken();
                awaitStandby(b, a.url());
                HttpResponse<String> refused = b.get("/api/v1/jobs", token);
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
                assertThat(refused.headers().firstValue("Retry-After")).isPresent();
                assertThat(HaClient.json(refused.body()).get("detail").asString()).contains("standby").contains(a.url());
                assertThat(HaClient.json(refused.body()).get("leader").asString()).isEqualTo(a.url());
                assertThat(b.stdout()).contains("standing by: the active server is " + a.url() + " (epoch 1)");

                List<Long> jobs = new ArrayList<>();
                String command = HaClient.JSON.writeValueAsString(DispatchLog.command(markers, 8));
                for (int i = 0; i < 6; i++) {
                    jobs.add(HaClient.submit(a.url(), token, "{\"name\":\"ha-" + i + "\",\"tenant\":\"acme\",\"resources\":"
                            + "{\"accelerator\":\"nvidia-a100\",\"count\":1,\"memory\":\"64Mi\"},\"command\":" + command + "}"));
                }
                for (long id : jobs) {
                    HaClient.await(a.url(), token, id, Duration.ofSeconds(60), "RUNNING");
                }

                a.kill();
                b.awaitReady(Duration.ofSeconds(60));
                JsonNode ready = HaClient.json(b.get("/readyz", null).body());
                assertThat(ready.get("status").asString()).isEqualTo("ready");
                assertThat(ready.get("epoch").asLong()).isEqualTo(2);
                assertThat(ready.get("leader").asString()).isEqualTo(b.url());

                for (long id : jobs) {
                    assertThat(HaClient.await(b.url(), token, id, Duration.ofSeconds(120), "SUCCEEDED", "FAILED",
                            "CANCELLED")).as("job " + id).isEqualTo("SUCCEEDED");
                    String events = b.get("/api/v1/jobs/" + id + "/events", token).body();
                    assertThat(events).as("job %d was recovered and requeued", id).contains("\"LOST\"");
                }
                DispatchLog.Check check = DispatchLog.check(markers);
                assertThat(check.doubleStarts()).isEmpty();
                assertThat(check.overlaps()).isEmpty();
                assertThat(check.unfinished()).isEmpty();
                assertThat(check.jobs()).isEqualTo(6);
                assertThat(check.attempts()).as("each job: the attempt the dead server ran, then one more").isEqualTo(12);

                assertThat(writeAtEpoch(pg, 1)).as("a write of the old epoch").isEqualTo("GF001");
                assertThat(writeAtEpoch(pg, 2)).as("a write of the current epoch").isNull();
                long after = HaClient.submit(b.url(), token, "{\"name\":\"after\",\"tenant\":\"acme\",\"resources\":"
                        + "{\"accelerator\":\"nvidia-a100\",\"count\":1},\"command\":[\"true\"]}");
                assertThat(HaClient.await(b.url(), token, after, Duration.ofSeconds(60), "SUCCEEDED", "FAILED"))
                        .isEqualTo("SUCCEEDED");
            }
        }
    }

    static void awaitStandby(ServerProcess s, String leader) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = s.get("/readyz", null);
            if (r != null && r.statusCode() == 503) {
                last = HaClient.json(r.body());
                if ("standby".equals(last.get("status").asString()) && last.has("leader")) {
                    assertThat(last.get("leader").asString()).isEqualTo(leader);
                    assertThat(last.get("epoch").asLong()).isEqualTo(1);
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no standby: " + last + " " + s.log());
    }

    /** One insert at {@code epoch} straight into the database; null when it committed, else its SQLSTATE. */
    static String writeAtEpoch(EmbeddedDatabase pg, long epoch) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), EmbeddedDatabase.USER, pg.password());
             Statement st = c.createStatement()) {
            st.execute("SELECT set_config('grid.epoch', '" + epoch + "', false)");
            st.execute("INSERT INTO settings(key, value) VALUES ('probe-" + epoch + "', 'x')");
            return null;
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }
}
