package io.computegrid.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code Idempotency-Key} on POST /api/v1/jobs: retries return the first job, never a second one. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyKeyTest {
    @TempDir
    static Path dir;
    TestServer s;
    String admin;
    String acme;
    String lab;
    OpenApiValidator openapi;

    @BeforeAll
    void start() throws Exception {
        s = new TestServer(dir);
        admin = s.adminToken();
        acme = s.memberToken("acme");
        lab = s.memberToken("lab");
        openapi = new OpenApiValidator(s.call("GET", "/api/v1/openapi.json", admin, null).body());
    }

    static JsonNode json(String body) {
        return io.computegrid.server.api.Json.MAPPER.readTree(body);
    }

    void documented(int status, String body) {
        assertThat(openapi.validate(json(body), openapi.responseSchema("/api/v1/jobs", "POST", status))).isEmpty();
    }

    @AfterAll
    void stop() {
        s.close();
    }

    static String spec(String name) {
        // a tenant-less spec: each member token submits for its own tenant
        return TestServer.spec(name, null, 1, "nvidia-a100", 1, "[\"sleep\", \"0\"]", "priority: low\n");
    }

    long jobs() {
        return s.server.database().jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM jobs").mapTo(Long.class).one());
    }

    HttpResponse<String> submit(String token, String body, String key) {
        return s.send("POST", "/api/v1/jobs", token, body, key == null ? Map.of() : Map.of("Idempotency-Key", key));
    }

    @Test
    void theSameKeyAndRequestReturnTheFirstJob() {
        HttpResponse<String> first = submit(acme, spec("idem-a"), "key-a");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        long id = json(first.body()).get("id").asLong();
        long before = jobs();

        HttpResponse<String> again = submit(acme, spec("idem-a"), "key-a");
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(again.headers().firstValue("Location")).contains("/api/v1/jobs/" + id);
        JsonNode body = json(again.body());
        assertThat(body.get("id").asLong()).isEqualTo(id);
        assertThat(body.get("state").asString()).isIn("PENDING", "ADMITTED", "RUNNING", "SUCCEEDED");
        documented(201, again.body());
        // the same request as JSON instead of YAML, properties in another order: the same fingerprint
        String json = "{\"command\":[\"sleep\",\"0\"],\"priority\":\"low\",\"name\":\"idem-a\",\"tasks\":1,"
                + "\"resources\":{\"memory\":\"256Mi\",\"cpu\":1,\"count\":1,\"accelerator\":\"nvidia-a100\"}}";
        assertThat(json(submit(acme, json, "key-a").body()).get("id").asLong()).isEqualTo(id);
        assertThat(jobs()).isEqualTo(before);
    }

    @Test
    void theSameKeyWithAnotherRequestIsRefusedAndChangesNothing() {
        assertThat(submit(acme, spec("idem-b"), "key-b").statusCode()).isEqualTo(201);
        long before = jobs();
        HttpResponse<String> other = submit(acme, spec("idem-b-changed"), "key-b");
        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(other.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
        assertThat(json(other.body()).get("detail").asString()).contains("Idempotency-Key").contains("key-b")
                .contains("different request");
        documented(422, other.body());
        assertThat(jobs()).isEqualTo(before);
    }

    @Test
    void keysBelongToOneTenant() {
        long a = json(submit(acme, spec("idem-c"), "shared-key").body()).get("id").asLong();
        HttpResponse<String> other = submit(lab, spec("idem-c"), "shared-key");
        assertThat(other.statusCode()).isEqualTo(201);
        assertThat(json(other.body()).get("id").asLong()).isNotEqualTo(a);
    }

    @Test
    void badKeysAre400AndChangeNothing() {
        long before = jobs();
        for (String bad : List.of("", "has space", "x".repeat(256), "tab\there")) {
            HttpResponse<String> r = submit(acme, spec("idem-bad"), bad);
            assertThat(r.statusCode()).as("key '" + bad + "'").isEqualTo(400);
            assertThat(json(r.body()).get("detail").asString()).contains("Idempotency-Key");
        }
        assertThat(submit(acme, spec("idem-ok"), "x".repeat(255)).statusCode()).isEqualTo(201);
        assertThat(jobs()).isEqualTo(before + 1);
    }

    @Test
    void concurrentDuplicatesCreateExactlyOneJob() throws Exception {
        long before = jobs();
        int n = 32;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        Set<Long> ids = ConcurrentHashMap.newKeySet();
        List<Future<Integer>> codes = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                codes.add(pool.submit((Callable<Integer>) () -> {
                    go.await();
                    HttpResponse<String> r = submit(acme, spec("idem-race"), "race-key");
                    ids.add(json(r.body()).get("id").asLong());
                    return r.statusCode();
                }));
            }
            go.countDown();
            for (Future<Integer> f : codes) {
                assertThat(f.get()).isEqualTo(201);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ids).hasSize(1);
        assertThat(jobs()).isEqualTo(before + 1);
    }

    @Test
    void aKeyOlderThan24HoursIsForgotten() {
        long first = json(submit(acme, spec("idem-old"), "old-key").body()).get("id").asLong();
        s.server.database().jdbi().useHandle(h -> h.execute(
                "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'old-key'"));
        HttpResponse<String> again = submit(acme, spec("idem-old"), "old-key");
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(json(again.body()).get("id").asLong()).isNotEqualTo(first);
        s.server.database().jdbi().useHandle(h -> h.execute(
                "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'old-key'"));
        assertThat(io.computegrid.server.jobs.IdempotencyKeys.prune(s.server.database().jdbi())).isEqualTo(1);
    }
}
