package io.computegrid.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The services API on a real server (embedded PostgreSQL, demo federation, real local processes): replicas are
 * jobs, bad input changes nothing, tenants are isolated, the gateway holds requests at zero replicas, crash loops
 * back off, deletes drain. Replicas here never answer HTTP (sleep, false); grid-cli's ServingEndToEndTest runs
 * real model servers behind the gateway.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceApiTest {
    @TempDir
    static Path dir;
    TestServer s;
    String acme;
    String lab;
    String admin;
    OpenApiValidator openapi;

    @BeforeAll
    void start() throws Exception {
        s = new TestServer(dir);
        acme = s.memberToken("acme");
        lab = s.memberToken("lab");
        admin = s.adminToken();
        openapi = new OpenApiValidator(s.call("GET", "/api/v1/openapi.json", admin, null).body());
    }

    @AfterAll
    void stop() {
        s.close();
    }

    static String service(String name, String command, String extra) {
        return "kind: service\nname: " + name + "\nresources: {accelerator: nvidia-a100, count: 1, cpu: 1, memory: 256Mi}\n"
                + "command: " + command + "\n" + (extra == null ? "" : extra);
    }

    JsonNode valid(TestServer.Res r, String path, String method, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode j = r.json();
        assertThat(openapi.validate(j, openapi.responseSchema(path, method, status))).as(r.body()).isEmpty();
        return j;
    }

    JsonNode create(String token, String yaml) {
        return valid(s.call("POST", "/api/v1/services", token, yaml, "application/yaml"), "/api/v1/services", "POST", 201);
    }

    JsonNode show(String token, long id) {
        return valid(s.call("GET", "/api/v1/services/" + id, token, null), "/api/v1/services/{id}", "GET", 200);
    }

    JsonNode await(String token, long id, Duration timeout, Predicate<JsonNode> until) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode v = null;
        while (System.nanoTime() < deadline) {
            v = show(token, id);
            if (until.test(v)) {
                return v;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("service " + id + " did not get there within " + timeout + "; last: " + v);
    }

    List<JsonNode> replicaJobs(long serviceId) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode j : s.call("GET", "/api/v1/jobs?limit=500", admin, null).json().get("items")) {
            if (j.path("service").asLong() == serviceId) {
                out.add(j);
            }
        }
        return out;
    }

    String fingerprint() {
        return s.server.database().jdbi().withHandle(h -> h.createQuery("SELECT (SELECT count(*) FROM services) || '/' "
                + "|| (SELECT count(*) FROM jobs) || '/' || (SELECT COALESCE(string_agg(spec::text || desired_replicas "
                + "|| state, ',' ORDER BY id), '') FROM services)").mapTo(String.class).one());
    }

    @Test
    void aServiceRunsItsReplicasAsJobsWithAServingPort() throws Exception {
        JsonNode v = create(acme, service("echo", "[\"sleep\", \"300\"]", "replicas: {min: 1, max: 3}\n"));
        long id = v.get("id").asLong();
        assertThat(v.get("tenant").asString()).isEqualTo("acme");
        assertThat(v.get("state").asString()).isEqualTo("ACTIVE");
        assertThat(v.get("url").asString()).endsWith("/serve/acme/echo/");
        assertThat(v.get("desiredReplicas").asInt()).isEqualTo(1);
        JsonNode running = await(acme, id, Duration.ofSeconds(30), x -> x.get("replicas").size() == 1
                && x.get("replicas").get(0).get("state").asString().equals("RUNNING")
                && x.get("replicas").get(0).hasNonNull("endpoint"));
        JsonNode replica = running.get("replicas").get(0);
        assertThat(replica.get("endpoint").asString()).startsWith("127.0.0.1:");
        assertThat(replica.get("ready").asBoolean()).as("sleep never answers its readiness probe").isFalse();
        List<JsonNode> jobs = replicaJobs(id);
        assertThat(jobs).hasSize(1);
        JsonNode job = jobs.get(0);
        assertThat(job.get("name").asString()).isEqualTo("echo-r1");
        assertThat(job.get("spec").get("tasks").asInt()).isEqualTo(1);
        assertThat(job.get("spec").has("maxRuntime")).isFalse();
        assertThat(job.get("spec").get("centers")).extracting(JsonNode::asString).containsExactlyInAnyOrder("cloud", "hpc", "edge", "field");
        assertThat(job.get("tasks").get(0).get("endpoint").asString()).isEqualTo(replica.get("endpoint").asString());
        // members see replicas in the job list; explain works for them as for any job
        assertThat(s.call("GET", "/api/v1/jobs/" + job.get("id").asLong() + "/explain", acme, null).status()).isEqualTo(200);
        JsonNode events = valid(s.call("GET", "/api/v1/services/" + id + "/events", acme, null),
                "/api/v1/services/{id}/events", "GET", 200);
        assertThat(events.get("items")).extracting(e -> e.get("type").asString()).contains("CREATED", "REPLICAS_CREATED");
        // the list shows it; a second service of the same name is refused
        JsonNode list = valid(s.call("GET", "/api/v1/services", acme, null), "/api/v1/services", "GET", 200);
        assertThat(list.get("items")).extracting(x -> x.get("name").asString()).contains("echo");
        String before = fingerprint();
        TestServer.Res dup = s.call("POST", "/api/v1/services", acme, service("echo", "[\"true\"]", null),
                "application/yaml");
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.json().get("detail").asString()).contains("name", "already has a live service named 'echo'");
        assertThat(fingerprint()).isEqualTo(before);
    }

    record Bad(String what, String body, int status, String detail) {
    }

    @Test
    void badInputGetsAProblemNamingTheFieldAndWritesNothing() {
        String ok = service("fine", "[\"true\"]", null);
        List<Bad> cases = List.of(
                new Bad("unknown field", ok + "gpus: 2\n", 400, "gpus: unknown field"),
                new Bad("malformed YAML", "name: [x\n", 400, "not valid YAML"),
                new Bad("min above max", ok + "replicas: {min: 3, max: 2}\n", 400, "replicas.min"),
                new Bad("panic window", ok + "autoscaling: {stableWindow: 5s, panicWindow: 10s}\n", 400,
                        "autoscaling.panicWindow"),
                new Bad("unknown model", ok.replace("nvidia-a100", "nvidia-z9"), 400, "resources.accelerator"),
                new Bad("a job, not a service", ok.replace("kind: service", "kind: job"), 400, "kind"),
                new Bad("unknown priority", ok + "priority: urgent\n", 422, "priority: unknown priority class 'urgent'"),
                new Bad("unknown tenant", ok + "tenant: nobody\n", 403, "tenant 'nobody'"),
                new Bad("unknown center", ok + "centers: [moon]\n", 422, "centers: unknown center 'moon'"),
                new Bad("fits nowhere", ok.replace("count: 1", "count: 16"), 422, "a replica fits nowhere"));
        String before = fingerprint();
        for (Bad b : cases) {
            TestServer.Res r = s.call("POST", "/api/v1/services", acme, b.body(), "application/yaml");
            assertThat(r.status()).as(b.what() + ": " + r.body()).isEqualTo(b.status());
            assertThat(r.contentType()).as(b.what()).startsWith("application/problem+json");
            assertThat(r.json().get("detail").asString()).as(b.what()).contains(b.detail());
            valid(r, "/api/v1/services", "POST", b.status());
        }
        TestServer.Res adminUnknownTenant = s.call("POST", "/api/v1/services", admin, ok + "tenant: nobody\n",
                "application/yaml");
        assertThat(adminUnknownTenant.status()).isEqualTo(422);
        assertThat(fingerprint()).isEqualTo(before);
    }

    @Test
    void onlyScalingFieldsChangeAndOtherTenantsSeeNothing() throws Exception {
        long id = create(acme, service("tune", "[\"sleep\", \"300\"]", "replicas: {min: 0, max: 2, initial: 0}\n"))
                .get("id").asLong();
        JsonNode changed = valid(s.call("PUT", "/api/v1/services/" + id, acme,
                "{\"replicas\": {\"min\": 0, \"max\": 5, \"initial\": 0}, \"public\": true}"),
                "/api/v1/services/{id}", "PUT", 200);
        assertThat(changed.get("maxReplicas").asInt()).isEqualTo(5);
        assertThat(changed.get("public").asBoolean()).isTrue();
        assertThat(changed.get("generation").asInt()).isEqualTo(2);
        String before = fingerprint();
        TestServer.Res fixed = s.call("PUT", "/api/v1/services/" + id, acme, "{\"command\": [\"sleep\", \"1\"]}");
        assertThat(fixed.status()).isEqualTo(409);
        assertThat(fixed.json().get("detail").asString()).startsWith("command: cannot change on a live service");
        assertThat(s.call("PUT", "/api/v1/services/" + id, acme, "{\"replicas\": {\"max\": 0}}").status())
                .isEqualTo(400);
        assertThat(s.call("PUT", "/api/v1/services/" + id, acme, "{\"name\": \"other\"}").status()).isEqualTo(409);
        // lab's member token neither sees nor touches acme's service
        for (String[] c : new String[][]{{"GET", ""}, {"PUT", "{\"public\": false}"}, {"DELETE", ""},
                {"GET", "/events"}}) {
            TestServer.Res r = s.call(c[0], "/api/v1/services/" + id + (c[0].equals("GET") ? c[1] : ""), lab,
                    c[0].equals("PUT") ? c[1] : null);
            assertThat(r.status()).as(c[0] + " " + r.body()).isEqualTo(404);
        }
        assertThat(s.call("GET", "/api/v1/services", lab, null).json().get("items")).isEmpty();
        assertThat(s.call("GET", "/api/v1/services?tenant=acme", lab, null).json().get("items")).isEmpty();
        assertThat(s.call("POST", "/api/v1/services", lab, service("x", "[\"true\"]", "tenant: acme\n"),
                "application/yaml").status()).isEqualTo(403);
        assertThat(s.call("GET", "/api/v1/services", null, null).status()).isEqualTo(401);
        assertThat(fingerprint()).isEqualTo(before);
        // the gateway: a private service needs a token of its tenant; another tenant's gets 404 like a missing one
        valid(s.call("PUT", "/api/v1/services/" + id, acme, "{\"public\": false}"), "/api/v1/services/{id}", "PUT", 200);
        await(acme, id, Duration.ofSeconds(10), x -> x.get("generation").asInt() == 3);
        assertThat(s.call("GET", "/serve/acme/tune/v1/x", null, null).status()).isEqualTo(401);
        assertThat(s.call("GET", "/serve/acme/tune/v1/x", "cg_bogus", null).status()).isEqualTo(401);
        assertThat(s.call("GET", "/serve/acme/tune/v1/x", lab, null).status()).isEqualTo(404);
        assertThat(s.call("GET", "/serve/acme/missing/", acme, null).status()).isEqualTo(404);
    }

    @Test
    void atZeroReplicasRequestsAreHeldBoundedAndTimeOut() throws Exception {
        long id = create(acme, service("cold", "[\"sleep\", \"300\"]", "replicas: {min: 0, max: 2, initial: 0}\n"
                + "coldStartTimeout: 2s\nmaxBufferedRequests: 1\n")).get("id").asLong();
        await(acme, id, Duration.ofSeconds(10), x -> x.get("desiredReplicas").asInt() == 0);
        assertThat(replicaJobs(id)).isEmpty();
        long t0 = System.nanoTime();
        CompletableFuture<TestServer.Res> held = CompletableFuture.supplyAsync(() ->
                s.call("POST", "/serve/acme/cold/v1/completions", acme, "{\"prompt\": \"hi\"}"));
        // the held request wakes the controller at once: one replica is asked for
        JsonNode woken = await(acme, id, Duration.ofSeconds(5), x -> x.get("desiredReplicas").asInt() == 1
                && x.get("held").asInt() == 1);
        assertThat(woken.get("inFlight").asInt()).isEqualTo(1);
        TestServer.Res over = s.call("GET", "/serve/acme/cold/v1/models", acme, null);
        assertThat(over.status()).isEqualTo(503);
        assertThat(over.json().get("detail").asString()).contains("maxBufferedRequests");
        TestServer.Res timedOut = held.get();
        assertThat(timedOut.status()).as(timedOut.body()).isEqualTo(504);
        assertThat(timedOut.json().get("detail").asString()).contains("cold-start timeout");
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(1_900L, 10_000L);
        assertThat(replicaJobs(id)).hasSize(1);
    }

    @Test
    void aCrashLoopBacksOffAndSaysSo() throws Exception {
        long id = create(acme, service("crash", "[\"sh\", \"-c\", \"exit 3\"]", "replicas: {min: 1, max: 1}\n"))
                .get("id").asLong();
        JsonNode v = await(acme, id, Duration.ofSeconds(30), x -> x.get("failures").get("consecutive").asInt() >= 3);
        assertThat(v.get("failures").get("crashLoop").asBoolean()).isTrue();
        assertThat(v.get("failures").hasNonNull("nextReplicaAt")).isTrue();
        List<String> failed = new ArrayList<>();
        for (JsonNode e : s.call("GET", "/api/v1/services/" + id + "/events", acme, null).json().get("items")) {
            if (e.get("type").asString().equals("REPLICA_FAILED")) {
                failed.add(e.get("message").asString());
            }
        }
        assertThat(failed).hasSizeGreaterThanOrEqualTo(3);
        assertThat(failed.get(0)).contains("exited with code 3", "1 failure(s) in a row", "waits 1 s");
        assertThat(failed.get(2)).contains("3 failure(s) in a row", "waits 4 s");
        // replicas keep being replaced, never more than one at a time
        assertThat(replicaJobs(id).stream().filter(j -> !j.get("state").asString().equals("FAILED"))).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void deleteDrainsAndKeepsTheRecord() throws Exception {
        long id = create(acme, service("gone", "[\"sleep\", \"300\"]", "replicas: {min: 2, max: 2}\n"))
                .get("id").asLong();
        await(acme, id, Duration.ofSeconds(30), x -> x.get("replicas").size() == 2);
        JsonNode deleted = valid(s.call("DELETE", "/api/v1/services/" + id, acme, null), "/api/v1/services/{id}",
                "DELETE", 200);
        assertThat(deleted.get("state").asString()).isEqualTo("DELETED");
        assertThat(s.call("DELETE", "/api/v1/services/" + id, acme, null).status()).isEqualTo(409);
        await(acme, id, Duration.ofSeconds(30), x -> x.get("replicas").isEmpty());
        assertThat(replicaJobs(id)).allSatisfy(j -> assertThat(j.get("state").asString()).isEqualTo("CANCELLED"));
        assertThat(s.call("GET", "/api/v1/services", acme, null).json().get("items"))
                .noneMatch(x -> x.get("id").asLong() == id);
        assertThat(s.call("GET", "/api/v1/services?state=deleted", acme, null).json().get("items"))
                .anyMatch(x -> x.get("id").asLong() == id);
        assertThat(s.call("GET", "/serve/acme/gone/", acme, null).status()).isEqualTo(404);
        // the name is free again
        create(acme, service("gone", "[\"sleep\", \"300\"]", "replicas: {min: 0, max: 1, initial: 0}\n"));
    }
}
