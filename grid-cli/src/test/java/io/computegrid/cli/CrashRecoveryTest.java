package io.computegrid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** SIGKILL the server in the middle of concurrent submissions: every acknowledged job must be there after a restart. */
class CrashRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void noAcknowledgedJobIsLost() throws Exception {
        ServerProcess server = new ServerProcess(dir.resolve("data")).start();
        String token = server.adminToken();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicBoolean go = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(16);
        String body = "{\"name\":\"crash\",\"tenant\":\"acme\",\"resources\":{\"accelerator\":\"nvidia-a100\",\"count\":1},"
                + "\"command\":[\"sleep\",\"1\"]}";
        for (int c = 0; c < 16; c++) {
            clients.execute(() -> {
                while (go.get()) {
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/jobs"))
                                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 201) {
                            acknowledged.add(JsonMapper.builder().build().readTree(r.body()).get("id").asLong());
                        }
                    } catch (Exception e) {
                        return; // the server is gone
                    }
                }
            });
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (acknowledged.size() < 200 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        server.kill();
        go.set(false);
        clients.shutdown();
        assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        List<Long> acked = List.copyOf(acknowledged);
        assertThat(acked).hasSizeGreaterThanOrEqualTo(50);

        ServerProcess again = new ServerProcess(dir.resolve("data"));
        // same data directory, new port: the restart must clear the PostgreSQL left by the killed server
        try (ServerProcess restarted = startOn(again)) {
            for (long id : acked) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(restarted.url() + "/api/v1/jobs/" + id))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("acknowledged job " + id).isEqualTo(200);
            }
        }
    }

    private static ServerProcess startOn(ServerProcess p) throws Exception {
        return p.start();
    }
}
