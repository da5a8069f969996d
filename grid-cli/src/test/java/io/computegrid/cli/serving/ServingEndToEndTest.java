package io.computegrid.cli.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.cli.ApiClient;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Inference services end to end: a real server (embedded PostgreSQL), real replica processes ({@code grid
 * model-server} from this classpath), the real gateway and the real load generator. Scale from zero with held
 * requests, a load step scales up and its end scales down to zero, least-outstanding routing spreads load, usage
 * carries card-seconds, training and serving share one quota, serving preempts checkpointing low-priority training
 * which then resumes, a killed replica is replaced, a restart brings the service back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServingEndToEndTest {
    static final String FEDERATION = """
            centers:
              - name: big
                region: r1
                pools:
                  - {name: a100, accelerator: nvidia-a100, nodes: 1, acceleratorsPerNode: 8, cpu: 64, memory: 256Gi, pricePerCardHour: 3.6}
              - name: mini
                region: r1
                pools:
                  - {name: a100, accelerator: nvidia-a100, nodes: 1, acceleratorsPerNode: 4, cpu: 64, memory: 256Gi, pricePerCardHour: 3.6}
            tenants:
              - name: web
                quotas: [{accelerator: nvidia-a100, nominal: 6, borrowingLimit: 0}]
              - name: batch
                quotas: [{accelerator: nvidia-a100, nominal: 4, borrowingLimit: 0}]
              - name: lab
                quotas: [{accelerator: nvidia-a100, nominal: 2, borrowingLimit: 0}]
            """;
    @TempDir
    static Path dir;
    ScratchServer s;
    ApiClient web;
    ApiClient batch;
    ApiClient lab;
    String webToken;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    void start() throws Exception {
        s = new ScratchServer(dir, FEDERATION);
        for (String t : List.of("web", "batch", "lab")) {
            s.admin().post("/api/v1/tenants/" + t + "/topup", Map.of("amount", 1000));
        }
        webToken = s.memberToken("web");
        web = new ApiClient(s.url(), webToken);
        batch = new ApiClient(s.url(), s.memberToken("batch"));
        lab = new ApiClient(s.url(), s.memberToken("lab"));
    }

    @AfterAll
    void stop() {
        s.close();
    }

    static Map<String, Object> service(String name, List<String> command, Object... extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("resources", Map.of("accelerator", "nvidia-a100", "count", 1, "cpu", 1, "memory", "256Mi"));
        m.put("command", command);
        for (int i = 0; i < extra.length; i += 2) {
            m.put((String) extra[i], extra[i + 1]);
        }
        return m;
    }

    HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url() + path)).timeout(Duration.ofSeconds(90))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode job(ApiClient as, long id) {
        return as.get("/api/v1/jobs/" + id);
    }

    JsonNode awaitJob(ApiClient as, long id, String state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode j = null;
        while (System.nanoTime() < deadline) {
            j = job(as, id);
            if (j.get("state").asString().equals(state)) {
                return j;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " is not " + state + ": " + j);
    }

    long submit(ApiClient as, String yaml) {
        return as.postRaw("/api/v1/jobs", yaml, "application/yaml").get("id").asLong();
    }

    List<String> eventTypes(long serviceId) {
        return s.events(serviceId).stream().map(e -> e.get("type").asString() + ": " + e.get("message").asString()).toList();
    }

    @Test
    @Order(1)
    void scalesFromZeroUpWithLoadAndBackToZero() throws Exception {
        Map<String, Object> spec = service("chat", ReplicaCommand.modelServer(100, "chat"), "centers", List.of("big"),
                "replicas", Map.of("min", 0, "max", 3, "initial", 0),
                "autoscaling", Map.of("targetInFlight", 2, "stableWindow", "6s", "panicWindow", "2s",
                        "panicThreshold", 2.0, "scaleToZeroAfter", "3s"),
                "coldStartTimeout", "90s");
        long id = s.createService(web, spec).get("id").asLong();
        assertThat(s.service(id).get("desiredReplicas").asInt()).isZero();
        // three requests at zero replicas are held, wake the controller, and are answered once a replica is ready
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String body = "{\"prompt\": \"held " + i + "\"}";
            held.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return call("POST", "/serve/web/chat/v1/completions", webToken, body);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        s.await(id, Duration.ofSeconds(10), v -> v.get("held").asInt() == 3 && v.get("desiredReplicas").asInt() >= 1);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = held.get(i).get();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains("echo: held " + i);
            assertThat(r.headers().firstValue("X-Grid-Replica")).isPresent();
        }
        // a load step of 12 in flight against a target of 2: up to max (the autoscaler's panic mode is shown in its
        // unit tests and in bench autoscale; here the short stable window may get there first)
        LoadGenerator load = new LoadGenerator(new LoadGenerator.Options(URI.create(s.url() + "/serve/web/chat/v1/completions"),
                webToken, "POST", "{\"prompt\": \"x\"}".getBytes(StandardCharsets.UTF_8), 12, 0, Duration.ofSeconds(12),
                LoadGenerator.MAX_REQUESTS, Duration.ofSeconds(60)));
        LoadGenerator.Result r = load.run(x -> { });
        assertThat(r.errors()).as(r.statuses().toString()).isZero();
        assertThat(r.replicas().size()).as("replicas that answered: " + r.replicas()).isGreaterThanOrEqualTo(2);
        JsonNode up = s.service(id);
        assertThat(up.get("desiredReplicas").asInt()).isEqualTo(3);
        assertThat(eventTypes(id)).anyMatch(e -> e.startsWith("SCALED: autoscaler: 2 -> 3"));
        // least outstanding: with all three ready, a steady load spreads evenly
        s.await(id, Duration.ofSeconds(60), v -> v.get("readyReplicas").asInt() == 3);
        LoadGenerator even = new LoadGenerator(new LoadGenerator.Options(URI.create(s.url() + "/serve/web/chat/v1/completions"),
                webToken, "POST", "{\"prompt\": \"x\"}".getBytes(StandardCharsets.UTF_8), 6, 0, Duration.ofSeconds(4),
                LoadGenerator.MAX_REQUESTS, Duration.ofSeconds(60)));
        LoadGenerator.Result spread = even.run(x -> { });
        assertThat(spread.replicas()).hasSize(3);
        long min = spread.replicas().values().stream().mapToLong(Long::longValue).min().orElseThrow();
        long max = spread.replicas().values().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(max).as("per replica: " + spread.replicas()).isLessThanOrEqualTo(min * 2);
        // the load stops: down on the stable window, then to zero after scaleToZeroAfter without requests
        JsonNode zero = s.await(id, Duration.ofSeconds(90), v -> v.get("desiredReplicas").asInt() == 0
                && v.get("replicas").isEmpty());
        assertThat(zero.get("autoscaler").get("reason").asString()).contains("scaled to zero");
        assertThat(eventTypes(id)).anyMatch(e -> e.startsWith("REPLICA_STOPPED"));
        // every replica card-second is metered as usage of the service
        JsonNode usage = s.admin().get("/api/v1/usage?tenant=web&limit=500").get("items");
        double cardSeconds = 0;
        for (JsonNode u : usage) {
            if (u.path("service").asLong() == id) {
                cardSeconds += u.get("cardSeconds").asDouble();
            }
        }
        assertThat(cardSeconds).isGreaterThan(10);
        JsonNode view = s.service(id).get("usage");
        assertThat(view.get("cardSeconds").asDouble()).isEqualTo(cardSeconds, org.assertj.core.data.Offset.offset(0.01));
        assertThat(view.get("cost").asDouble()).isPositive();
        s.admin().delete("/api/v1/services/" + id);
    }

    @Test
    @Order(2)
    void theGatewayStreamsStripsAndTimesOut() throws Exception {
        long id = s.createService(web, service("tools", ReplicaCommand.modelServer(60, "tools"), "centers", List.of("big"),
                "replicas", Map.of("min", 1, "max", 1), "maxRequestBody", "1Ki")).get("id").asLong();
        s.await(id, Duration.ofSeconds(60), v -> v.get("readyReplicas").asInt() == 1);
        // answers are streamed: the first chunk arrives long before the last
        HttpResponse<InputStream> st = http.send(HttpRequest.newBuilder(URI.create(s.url()
                + "/serve/web/tools/v1/stream?n=6")).header("Authorization", "Bearer " + webToken).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long t0 = System.nanoTime();
        try (InputStream in = st.body()) {
            assertThat(in.read()).isEqualTo('d');
            long first = System.nanoTime() - t0;
            String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            long all = System.nanoTime() - t0;
            assertThat(rest).contains("\"token\": 5");
            assertThat(all - first).as("first byte %d ms, all %d ms", first / 1_000_000, all / 1_000_000)
                    .isGreaterThan(200_000_000L);
        }
        // the caller's token stays with the platform; the replica learns who called
        HttpResponse<String> echo = call("PUT", "/serve/web/tools/echo/a?b=c", webToken, "payload");
        assertThat(echo.statusCode()).isEqualTo(200);
        assertThat(echo.body()).isEqualTo("payload");
        assertThat(echo.headers().firstValue("X-Echo-Authorization")).hasValue("null");
        assertThat(echo.headers().firstValue("X-Echo-Forwarded-For")).hasValue("127.0.0.1");
        assertThat(echo.headers().firstValue("X-Echo-Path")).hasValue("/echo/a?b=c");
        assertThat(echo.headers().firstValue("X-Echo-Method")).hasValue("PUT");
        assertThat(echo.headers().firstValue("X-Grid-Replica")).isPresent();
        // a replica's own 404 passes through as it is
        HttpResponse<String> missing = call("GET", "/serve/web/tools/nothing-here", webToken, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("no such endpoint: /nothing-here");
        assertThat(call("POST", "/serve/web/tools/echo", webToken, "x".repeat(2000)).statusCode()).isEqualTo(413);
        // a replica slower than the request timeout: 504 from the gateway
        web.put("/api/v1/services/" + id, Map.of("requestTimeout", "20ms"));
        s.await(id, Duration.ofSeconds(10), v -> v.get("generation").asInt() == 2);
        Thread.sleep(1_500); // the controller picks the change up on its next beat
        HttpResponse<String> slow = call("POST", "/serve/web/tools/v1/completions", webToken, "{\"prompt\": \"x\"}");
        assertThat(slow.statusCode()).as(slow.body()).isEqualTo(504);
        assertThat(slow.body()).contains("request timeout");
        s.admin().delete("/api/v1/services/" + id);
    }

    @Test
    @Order(3)
    void trainingAndServingShareOneQuota() throws Exception {
        long train = submit(lab, "name: t\nresources: {accelerator: nvidia-a100, count: 2}\ncommand: [sleep, '300']\n"
                + "centers: [mini]\n");
        awaitJob(lab, train, "RUNNING");
        long id = s.createService(lab, service("q", List.of("sleep", "300"), "centers", List.of("mini"),
                "replicas", Map.of("min", 1, "max", 1))).get("id").asLong();
        JsonNode v = s.await(id, Duration.ofSeconds(20), x -> x.get("replicas").size() == 1);
        long replica = v.get("replicas").get(0).get("jobId").asLong();
        Thread.sleep(1_500);
        JsonNode waiting = job(lab, replica);
        assertThat(waiting.get("state").asString()).isEqualTo("PENDING");
        assertThat(waiting.get("waiting").get("code").asString()).isEqualTo("QUOTA");
        lab.post("/api/v1/jobs/" + train + "/cancel", Map.of());
        awaitJob(lab, replica, "RUNNING");
        // and the other way round: the replica holds one of lab's two cards, a 2-card training job waits
        long train2 = submit(lab, "name: t2\nresources: {accelerator: nvidia-a100, count: 2}\ncommand: [sleep, '300']\n"
                + "centers: [mini]\n");
        Thread.sleep(1_500);
        JsonNode blocked = job(lab, train2);
        assertThat(blocked.get("state").asString()).isEqualTo("PENDING");
        assertThat(blocked.get("waiting").get("code").asString()).isEqualTo("QUOTA");
        lab.post("/api/v1/jobs/" + train2 + "/cancel", Map.of());
        s.admin().delete("/api/v1/services/" + id);
        s.await(id, Duration.ofSeconds(30), x -> x.get("replicas").isEmpty());
    }

    @Test
    @Order(4)
    void servingPreemptsCheckpointingLowTrainingWhichResumes() throws Exception {
        String script = "if [ \"$GRID_RESUME\" = 1 ]; then echo resumed from step $(cat $GRID_CHECKPOINT_DIR/step); fi; "
                + "i=0; while true; do i=$((i+1)); echo $i > $GRID_CHECKPOINT_DIR/step; echo step $i; sleep 0.5; done";
        long train = submit(batch, "name: long-train\npriority: low\nresources: {accelerator: nvidia-a100, count: 4}\n"
                + "command: [sh, -c, '" + script.replace("'", "''") + "']\ncenters: [mini]\n");
        awaitJob(batch, train, "RUNNING");
        Thread.sleep(1_500); // a few checkpoints
        long id = s.createService(web, service("urgent", ReplicaCommand.modelServer(5, "urgent"), "priority", "high",
                "centers", List.of("mini"), "replicas", Map.of("min", 1, "max", 1))).get("id").asLong();
        s.await(id, Duration.ofSeconds(60), v -> v.get("readyReplicas").asInt() == 1);
        JsonNode preempted = job(batch, train);
        assertThat(preempted.get("state").asString()).isEqualTo("PENDING");
        List<String> events = new ArrayList<>();
        batch.get("/api/v1/jobs/" + train + "/events").get("items").forEach(e -> events.add(e.get("type").asString()
                + ": " + e.get("message").asString()));
        assertThat(events).anyMatch(e -> e.startsWith("STOPPING") && e.contains("serving replica")
                && e.contains("servingPreempts"));
        assertThat(events).anyMatch(e -> e.startsWith("PREEMPTED"));
        assertThat(call("POST", "/serve/web/urgent/v1/completions", webToken, "{\"prompt\": \"now\"}").statusCode())
                .isEqualTo(200);
        // training does not take the cards back from serving of higher priority; once the service goes, it resumes
        Thread.sleep(1_500);
        assertThat(job(batch, train).get("state").asString()).isEqualTo("PENDING");
        s.admin().delete("/api/v1/services/" + id);
        JsonNode resumed = awaitJob(batch, train, "RUNNING");
        assertThat(resumed.get("attempt").asInt()).isEqualTo(2);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String log = "";
        while (System.nanoTime() < deadline && !log.contains("resumed from step")) {
            log = batch.getText("/api/v1/jobs/" + train + "/logs");
            Thread.sleep(200);
        }
        assertThat(log).containsPattern("resumed from step [1-9]");
        batch.post("/api/v1/jobs/" + train + "/cancel", Map.of());
        awaitJob(batch, train, "CANCELLED");
    }

    @Test
    @Order(5)
    void aKilledReplicaIsReplacedAndARestartBringsTheServiceBack() throws Exception {
        long id = s.createService(web, service("sturdy", ReplicaCommand.modelServer(5, "sturdy"), "centers", List.of("big"),
                "replicas", Map.of("min", 1, "max", 1))).get("id").asLong();
        JsonNode v = s.await(id, Duration.ofSeconds(60), x -> x.get("readyReplicas").asInt() == 1);
        long first = v.get("replicas").get(0).get("jobId").asLong();
        String handle = s.server().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT handle FROM tasks WHERE job_id = :j").bind("j", first).mapTo(String.class).one());
        ProcessHandle replica = ProcessHandle.of(Long.parseLong(handle.split(":")[1])).orElseThrow();
        assertThat(replica.info().command().orElse("")).endsWith("java");
        replica.destroyForcibly(); // SIGKILL: a crash, not a stop
        // a ready replacement ends the crash loop's count
        s.await(id, Duration.ofSeconds(60), x -> x.get("readyReplicas").asInt() == 1
                && x.get("replicas").get(0).get("jobId").asLong() != first
                && x.get("failures").get("consecutive").asInt() == 0);
        assertThat(job(web, first).get("state").asString()).isEqualTo("FAILED");
        assertThat(eventTypes(id)).anyMatch(e -> e.startsWith("REPLICA_FAILED: replica job " + first));
        assertThat(call("POST", "/serve/web/sturdy/v1/completions", webToken, "{}").statusCode()).isEqualTo(200);
        // the desired state is in the store: after a restart the replica is requeued, placed and ready again
        s.restart();
        JsonNode back = s.await(id, Duration.ofSeconds(90), x -> x.get("readyReplicas").asInt() == 1);
        assertThat(back.get("replicas").get(0).get("attempt").asInt()).isEqualTo(2);
        assertThat(call("POST", "/serve/web/sturdy/v1/completions", webToken, "{}").statusCode()).isEqualTo(200);
        s.admin().delete("/api/v1/services/" + id);
    }
}
