package io.computegrid.server.leadership;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.server.GridServer;
import io.computegrid.server.ServerOptions;
import io.computegrid.server.api.Json;
import io.computegrid.store.EmbeddedDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two servers in one JVM on one PostgreSQL: the second stands by (503 naming the first, one line per leader);
 * when the first loses its election session it stops acting and says so once (the callback a supervisor-facing
 * command turns into an exit), and the standby becomes the active server at the next epoch.
 */
class StandbyTest {
    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theStandbyServesOnlyRefusalsAndTakesOverWhenTheLeaderLosesItsSession() throws Exception {
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(dir.resolve("pg"))) {
            ServerOptions o = new ServerOptions("127.0.0.1", 0, dir.resolve("data"), pg.jdbcUrl(), EmbeddedDatabase.USER,
                    pg.password(), true, null, null);
            CountDownLatch aLost = new CountDownLatch(1);
            List<String> standbyLines = new CopyOnWriteArrayList<>();
            try (GridServer a = new GridServer(o).onLeadershipLost(r -> aLost.countDown()).start();
                 GridServer b = new GridServer(o).onStandby(standbyLines::add)) {
                String aUrl = "http://127.0.0.1:" + a.port();
                CompletableFuture<GridServer> bStarted = CompletableFuture.supplyAsync(() -> {
                    try {
                        return b.start();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (b.status().phase() != ServerStatus.Phase.STANDBY && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(b.status().phase()).isEqualTo(ServerStatus.Phase.STANDBY);
                int bPort = b.port();
                HttpResponse<String> readyz = get(bPort, "/readyz");
                assertThat(readyz.statusCode()).isEqualTo(503);
                JsonNode r = Json.MAPPER.readTree(readyz.body());
                assertThat(r.get("status").asString()).isEqualTo("standby");
                assertThat(r.get("leader").asString()).isEqualTo(aUrl);
                assertThat(get(bPort, "/healthz").statusCode()).isEqualTo(200);
                HttpResponse<String> other = get(bPort, "/api/v1/centers");
                assertThat(other.statusCode()).isEqualTo(503);
                assertThat(other.headers().firstValue("Retry-After")).contains("2");
                assertThat(Json.MAPPER.readTree(other.body()).get("detail").asString()).contains(aUrl);
                assertThat(standbyLines).singleElement().asString().contains("standing by").contains(aUrl);
                assertThat(bStarted).isNotDone();

                // the leader's election session ends (an administrator, a partition): it must stop at once
                try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), EmbeddedDatabase.USER, pg.password());
                     Statement st = c.createStatement()) {
                    st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE "
                            + "'computegrid-election %/" + ProcessHandle.current().pid() + "' AND state = 'idle' "
                            + "AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = 1)");
                }
                assertThat(aLost.await(10, TimeUnit.SECONDS)).isTrue();
                JsonNode lost = Json.MAPPER.readTree(get(a.port(), "/readyz").body());
                assertThat(lost.get("status").asString()).isEqualTo("lost");
                assertThat(get(a.port(), "/api/v1/centers").statusCode()).isEqualTo(503);

                GridServer active = bStarted.get(60, TimeUnit.SECONDS);
                assertThat(active.port()).isEqualTo(bPort);
                JsonNode ready = Json.MAPPER.readTree(get(bPort, "/readyz").body());
                assertThat(ready.get("status").asString()).isEqualTo("ready");
                assertThat(ready.get("epoch").asLong()).isEqualTo(2);
            }
        }
    }
}
