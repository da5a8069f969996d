package io.computegrid.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.server.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A real server with the demo federation and real jobs for the console to show: finished jobs of
 * both tenants (usage, bills, revenue), a running job holding cards, and a job waiting because the
 * edge center is full (a queue with a reason). {@link #close()} cancels what still runs, then stops.
 */
public final class ConsoleWorld implements AutoCloseable {
    public final TestServer server;
    public final String admin;
    public final String acme;
    public final String lab;
    public final List<Long> finished = new ArrayList<>();
    public long running;
    public long edgeFiller;
    public long waiting;

    public ConsoleWorld(Path dir) throws Exception {
        server = new TestServer(dir);
        try {
            admin = server.adminToken();
            acme = server.memberToken("acme");
            lab = server.memberToken("lab");
            populate();
        } catch (Exception | AssertionError e) {
            close();
            throw e;
        }
    }

    private void populate() throws Exception {
        // list prices high enough that seconds of work cost cents (a second at the demo's 12/card-h rounds to 0.00)
        for (String model : new String[]{"nvidia-a100", "ascend-910b", "ascend-310"}) {
            TestServer.Res r = server.call("POST", "/api/v1/prices", admin, "{\"model\": \"" + model
                    + "\", \"onDemand\": 360}");
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
        finished.add(server.submit(acme, TestServer.spec("train-bert", null, 2, "nvidia-a100", 1,
                "[\"sh\", \"-c\", \"for i in 1 2 3; do echo step $i of task $GRID_TASK_INDEX; done; sleep 3\"]", "maxRuntime: 5m\n")));
        finished.add(server.submit(lab, TestServer.spec("eval-910b", null, 1, "ascend-910b", 2,
                "[\"sh\", \"-c\", \"echo evaluating; sleep 2\"]", "maxRuntime: 5m\n")));
        finished.add(server.submit(acme, TestServer.spec("tokenize", null, 1, "ascend-310", 1,
                "[\"sh\", \"-c\", \"echo done; sleep 1\"]", "maxRuntime: 5m\n")));
        for (long id : finished) {
            server.await(admin, id, Duration.ofSeconds(60), "SUCCEEDED");
        }
        running = server.submit(acme, TestServer.spec("finetune-llm", null, 1, "nvidia-a100", 4,
                "[\"sleep\", \"600\"]", "maxRuntime: 30m\n"));
        server.await(admin, running, Duration.ofSeconds(60), "RUNNING");
        // the edge center has 2 nodes of 4 cards: a 2x4 gang fills it, so the next edge job waits
        edgeFiller = server.submit(lab, TestServer.spec("edge-inference", null, 2, "ascend-310", 4,
                "[\"sleep\", \"600\"]", "maxRuntime: 30m\n"));
        server.await(admin, edgeFiller, Duration.ofSeconds(60), "RUNNING");
        waiting = server.submit(acme, TestServer.spec("edge-batch", null, 1, "ascend-310", 2, "[\"true\"]",
                "maxRuntime: 10m\n"));
        awaitWaitReason(waiting);
    }

    /** Polls until the scheduler has given the job a wait reason (one cycle after submission). */
    JsonNode awaitWaitReason(long id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode x = null;
        while (System.nanoTime() < deadline) {
            x = get("/api/v1/jobs/" + id + "/explain", admin);
            if (x.has("waiting")) {
                return x;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " got no wait reason: " + x);
    }

    public JsonNode get(String path, String token) {
        TestServer.Res r = server.call("GET", path, token, null);
        assertThat(r.status()).as(path + " " + r.body()).isEqualTo(200);
        return r.json();
    }

    @Override
    public void close() {
        try {
            for (long id : new long[]{running, edgeFiller, waiting}) {
                if (id > 0) {
                    server.call("POST", "/api/v1/jobs/" + id + "/cancel", admin, "{}");
                }
            }
            for (long id : new long[]{running, edgeFiller}) {
                if (id > 0) {
                    server.await(admin, id, Duration.ofSeconds(30), "CANCELLED", "SUCCEEDED", "FAILED");
                }
            }
        } catch (RuntimeException | InterruptedException | AssertionError e) {
            // stopping the server below ends the rest
        } finally {
            server.close();
        }
    }
}
