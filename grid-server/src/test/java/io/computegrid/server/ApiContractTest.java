package io.computegrid.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** What outside callers rely on: authentication and isolation, problem+json for bad input, the OpenAPI file. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiContractTest {
    @TempDir
    static Path dir;
    TestServer s;
    String admin;
    String acme;
    String lab;
    long acmeJob;

    @BeforeAll
    void start() throws Exception {
        s = new TestServer(dir);
        admin = s.adminToken();
        acme = s.memberToken("acme");
        lab = s.memberToken("lab");
        acmeJob = s.submit(acme, TestServer.spec("private", null, 1, "nvidia-a100", 1, "[\"sleep\", \"300\"]", null));
        s.await(acme, acmeJob, Duration.ofSeconds(30), "RUNNING");
    }

    @AfterAll
    void stop() {
        s.close();
    }

    record Call(String method, String path, String body) {
    }

    List<Call> endpoints() {
        String spec = TestServer.spec("intruder", "acme", 1, "nvidia-a100", 1, "[\"true\"]", null);
        return List.of(
                new Call("POST", "/api/v1/jobs", spec),
                new Call("GET", "/api/v1/jobs", null),
                new Call("GET", "/api/v1/jobs/" + acmeJob, null),
                new Call("POST", "/api/v1/jobs/" + acmeJob + "/cancel", "{}"),
                new Call("GET", "/api/v1/jobs/" + acmeJob + "/logs", null),
                new Call("GET", "/api/v1/jobs/" + acmeJob + "/explain", null),
                new Call("GET", "/api/v1/jobs/" + acmeJob + "/events", null),
                new Call("POST", "/api/v1/jobs/" + acmeJob + "/checkpoint", "{}"),
                new Call("GET", "/api/v1/centers", null),
                new Call("GET", "/api/v1/tenants", null),
                new Call("GET", "/api/v1/tenants/acme", null),
                new Call("POST", "/api/v1/tenants", "{\"name\": \"evil\"}"),
                new Call("PUT", "/api/v1/tenants/acme/quotas", "{\"quota\": {\"nvidia-a100\": 999}}"),
                new Call("POST", "/api/v1/tokens", "{\"tenant\": \"acme\", \"role\": \"member\"}"),
                new Call("PUT", "/api/v1/tenants/acme", "{\"weight\": 50}"),
                new Call("GET", "/api/v1/settings/scheduler", null),
                new Call("PUT", "/api/v1/settings/scheduler", "{\"maxJobsPerCycle\": 1}"),
                new Call("GET", "/api/v1/openapi.json", null),
                new Call("GET", "/metrics", null));
    }

    String fingerprint() {
        return s.server.database().jdbi().withHandle(h -> h.createQuery("""
                SELECT (SELECT count(*) FROM jobs) || '/' || (SELECT count(*) FROM tokens) || '/'
                    || (SELECT string_agg(name || weight, ',' ORDER BY name) FROM tenants) || '/'
                    || (SELECT count(*) FROM settings WHERE key LIKE 'section.%') || '/' || (SELECT string_agg(tenant || accelerator || nominal, ',' ORDER BY tenant, accelerator) FROM quotas)
                    || '/' || (SELECT state || COALESCE(stop_request, '') FROM jobs WHERE id = :id)""")
                .bind("id", acmeJob).mapTo(String.class).one());
    }

    @Test
    void everyEndpointRefusesNoTokenABadTokenAndAnotherTenantsToken() {
        String before = fingerprint();
        for (Call c : endpoints()) {
            TestServer.Res none = s.call(c.method(), c.path(), null, c.body());
            assertThat(none.status()).as("no token: " + c).isEqualTo(401);
            assertThat(none.contentType()).as(c.toString()).startsWith("application/problem+json");
            TestServer.Res bad = s.call(c.method(), c.path(), "cg_not-a-real-token-at-all", c.body());
            assertThat(bad.status()).as("bad token: " + c).isEqualTo(401);
        }
        // lab's member token must not see or touch acme's objects
        for (Call c : endpoints()) {
            TestServer.Res r = s.call(c.method(), c.path(), lab, c.body());
            boolean own = c.path().equals("/api/v1/centers") || c.path().equals("/api/v1/openapi.json")
                    || c.path().equals("/metrics") || (c.path().equals("/api/v1/jobs") && c.method().equals("GET"))
                    || (c.path().equals("/api/v1/tenants") && c.method().equals("GET"));
            if (own) {
                assertThat(r.status()).as(c.toString()).isEqualTo(200);
                assertThat(r.body()).as(c.toString()).doesNotContain("\"private\"");
            } else {
                assertThat(r.status()).as("lab token: " + c + " -> " + r.body()).isIn(403, 404);
            }
        }
        assertThat(s.call("GET", "/api/v1/tenants", lab, null).json().get("items")).hasSize(1);
        assertThat(fingerprint()).isEqualTo(before);
        assertThat(s.call("GET", "/healthz", null, null).status()).isEqualTo(200);
        assertThat(s.call("GET", "/readyz", null, null).status()).isEqualTo(200);
    }

    record Bad(String what, String body, String contentType, int status, String detailContains) {
    }

    @Test
    void badInputGetsAClearProblemAndChangesNothing() {
        String ok = TestServer.spec("fine", null, 1, "nvidia-a100", 1, "[\"true\"]", null);
        String bomb = "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n"
                + "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                + "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
                + "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
        List<Bad> cases = List.of(
                new Bad("malformed YAML", "name: [unclosed\n", "application/yaml", 400, "not valid YAML"),
                new Bad("malformed JSON", "{\"name\": ", "application/json", 400, "not valid JSON"),
                new Bad("unknown field", ok + "gpus: 3\n", "application/yaml", 400, "gpus"),
                new Bad("negative count", ok.replace("count: 1", "count: -2"), "application/yaml", 400, "resources.count"),
                new Bad("absurd tasks", ok.replace("tasks: 1", "tasks: 100000"), "application/yaml", 400, "tasks"),
                new Bad("unknown model", ok.replace("nvidia-a100", "nvidia-z9000"), "application/yaml", 400,
                        "unknown accelerator model"),
                new Bad("fits nowhere", ok.replace("count: 1", "count: 16"), "application/yaml", 422,
                        "no center could ever run"),
                new Bad("too many tasks for any pool", ok.replace("tasks: 1", "tasks: 40").replace("count: 1", "count: 8"),
                        "application/yaml", 422, "no center could ever run"),
                new Bad("fraction for now", ok.replace("count: 1", "count: 0.3333"), "application/yaml", 400,
                        "precision"),
                new Bad("name with a path separator", ok.replace("name: fine", "name: ../../etc"), "application/yaml",
                        400, "name"),
                new Bad("name with shell metacharacters", ok.replace("name: fine", "name: \"x;rm -rf /\""),
                        "application/yaml", 400, "name"),
                new Bad("command not a list", ok.replace("command: [\"true\"]", "command: \"rm -rf /\""),
                        "application/yaml", 400, "command"),
                new Bad("command with a number", ok.replace("command: [\"true\"]", "command: [\"echo\", 5]"),
                        "application/yaml", 400, "command[1]"),
                new Bad("alias bomb", bomb, "application/yaml", 400, "aliases"),
                new Bad("deep nesting", "x: " + "[".repeat(200) + "]".repeat(200) + "\n", "application/yaml", 400, ""),
                new Bad("unknown tenant", ok + "tenant: nobody\n", "application/yaml", 403, "nobody"),
                new Bad("unknown priority", ok + "priority: urgent\n", "application/yaml", 422, "priority"),
                new Bad("body too large", "name: big\ncommand: [\"" + "x".repeat(1_100_000) + "\"]\n",
                        "application/yaml", 413, ""),
                new Bad("empty body", "", "application/yaml", 400, "empty"));
        String before = fingerprint();
        for (Bad b : cases) {
            TestServer.Res r = s.call("POST", "/api/v1/jobs", acme, b.body(), b.contentType());
            assertThat(r.status()).as(b.what() + ": " + r.body()).isEqualTo(b.status());
            assertThat(r.contentType()).as(b.what()).startsWith("application/problem+json");
            JsonNode p = r.json();
            assertThat(p.get("status").asInt()).isEqualTo(b.status());
            assertThat(p.get("title").asString()).isNotBlank();
            assertThat(p.get("detail").asString()).as(b.what()).contains(b.detailContains())
                    .doesNotContain("Exception").doesNotContain("\tat ");
        }
        assertThat(fingerprint()).isEqualTo(before);
        // an admin submitting for an unknown tenant gets 422, not 403
        TestServer.Res r = s.call("POST", "/api/v1/jobs", admin, ok + "tenant: nobody\n", "application/yaml");
        assertThat(r.status()).isEqualTo(422);
        assertThat(s.call("GET", "/api/v1/jobs/abc", acme, null).status()).isEqualTo(404);
        assertThat(s.call("GET", "/api/v1/jobs/999999", acme, null).status()).isEqualTo(404);
        assertThat(s.call("GET", "/api/v1/jobs?state=NOPE", acme, null).status()).isEqualTo(400);
        assertThat(s.call("GET", "/api/v1/jobs?limit=0", acme, null).status()).isEqualTo(400);
        assertThat(s.call("GET", "/api/v1/nothing-here", acme, null).status()).isEqualTo(404);
        assertThat(s.call("POST", "/api/v1/tenants", admin, "{\"name\": \"a/b\"}").status()).isEqualTo(400);
        assertThat(s.call("POST", "/api/v1/tenants", admin, "{\"name\": \"acme\"}").status()).isEqualTo(409);
        assertThat(s.call("POST", "/api/v1/tokens", acme, "{\"tenant\": \"acme\", \"role\": \"admin\"}").status())
                .isEqualTo(403);
        assertThat(fingerprint()).isEqualTo(before);
    }

    @Test
    void realResponsesMatchTheOpenApiFile() throws Exception {
        String doc = s.call("GET", "/api/v1/openapi.json", acme, null).body();
        OpenApiValidator v = new OpenApiValidator(doc);
        long id = s.submit(acme, TestServer.spec("documented", null, 1, "nvidia-a100", 1, "[\"true\"]", null));
        s.await(acme, id, Duration.ofSeconds(30), "SUCCEEDED");
        // explain of a placed job carries the score table of every pool considered
        JsonNode scores = s.call("GET", "/api/v1/jobs/" + id + "/explain", acme, null).json().get("placement")
                .get("scores");
        assertThat(scores).hasSize(1);
        assertThat(scores.get(0).get("center").asString()).isEqualTo("cloud");
        assertThat(scores.get(0).get("fitsNow").asBoolean()).isTrue();
        record Check(String method, String template, String path, String body, int status) {
        }
        List<Check> checks = List.of(
                new Check("POST", "/api/v1/jobs", "/api/v1/jobs",
                        TestServer.spec("doc2", null, 1, "nvidia-a100", 1, "[\"true\"]", null), 201),
                new Check("GET", "/api/v1/jobs", "/api/v1/jobs?limit=2", null, 200),
                new Check("GET", "/api/v1/jobs/{id}", "/api/v1/jobs/" + id, null, 200),
                new Check("GET", "/api/v1/jobs/{id}", "/api/v1/jobs/" + acmeJob, null, 200),
                new Check("GET", "/api/v1/jobs/{id}/explain", "/api/v1/jobs/" + id + "/explain", null, 200),
                new Check("GET", "/api/v1/jobs/{id}/events", "/api/v1/jobs/" + id + "/events", null, 200),
                new Check("GET", "/api/v1/centers", "/api/v1/centers", null, 200),
                new Check("GET", "/readyz", "/readyz", null, 200),
                new Check("GET", "/api/v1/tenants", "/api/v1/tenants", null, 200),
                new Check("GET", "/api/v1/tenants/{name}", "/api/v1/tenants/acme", null, 200),
                new Check("POST", "/api/v1/jobs/{id}/cancel", "/api/v1/jobs/" + id + "/cancel", "{}", 409),
                new Check("GET", "/api/v1/jobs/{id}", "/api/v1/jobs/77777", null, 404),
                new Check("POST", "/api/v1/jobs", "/api/v1/jobs", "name: x\n", 400));
        for (Check c : checks) {
            TestServer.Res r = s.call(c.method(), c.path(), acme, c.body(),
                    c.body() != null && c.body().startsWith("{") ? "application/json" : "application/yaml");
            assertThat(r.status()).as(c + " " + r.body()).isEqualTo(c.status());
            assertThat(v.validate(r.json(), v.responseSchema(c.template(), c.method(), c.status())))
                    .as(c.toString()).isEmpty();
        }
        TestServer.Res tok = s.call("POST", "/api/v1/tokens", admin, "{\"tenant\": \"lab\", \"role\": \"member\"}");
        assertThat(v.validate(tok.json(), v.responseSchema("/api/v1/tokens", "POST", 201))).isEmpty();
        assertThat(v.validate(s.call("GET", "/healthz", null, null).json(), v.responseSchema("/healthz", "GET", 200)))
                .isEmpty();
        // a wrong document must be caught: the checker is not a rubber stamp
        assertThat(v.validate(tools.jackson.databind.json.JsonMapper.builder().build().readTree("{\"id\": \"x\"}"),
                v.responseSchema("/api/v1/jobs/{id}", "GET", 200))).isNotEmpty();
    }

    @Test
    void schedulerSettingsAndTenantWeightsChangeAtRunTimeAfterValidation() {
        TestServer.Res bad = s.call("PUT", "/api/v1/settings/scheduler", admin, "{\"maxJobsPerCycle\": -3}");
        assertThat(bad.status()).as(bad.body()).isEqualTo(400);
        assertThat(bad.json().get("detail").asString()).contains("maxJobsPerCycle");
        assertThat(s.call("PUT", "/api/v1/settings/nothing", admin, "{}").status()).isEqualTo(404);
        TestServer.Res ok = s.call("PUT", "/api/v1/settings/scheduler", admin,
                "{\"maxJobsPerCycle\": 5000, \"preemption\": {\"enabled\": true, \"reclaimGraceSeconds\": 30}}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(s.call("GET", "/api/v1/settings/scheduler", admin, null).json().get("maxJobsPerCycle").asInt())
                .isEqualTo(5000);
        TestServer.Res w = s.call("PUT", "/api/v1/tenants/lab", admin, "{\"weight\": 3}");
        assertThat(w.status()).as(w.body()).isEqualTo(200);
        assertThat(w.json().get("weight").asDouble()).isEqualTo(3.0);
        assertThat(s.call("PUT", "/api/v1/tenants/lab", admin, "{\"weight\": 0}").status()).isEqualTo(400);
        // jobs still schedule with the new settings
        s.call("PUT", "/api/v1/settings/scheduler", admin, "{}");
    }

    @Test
    void pricedWorkNeedsFundsAndTheQuoteComesBackWithTheId() throws Exception {
        assertThat(s.call("POST", "/api/v1/tenants", admin, "{\"name\": \"broke\", \"quota\": {\"nvidia-a100\": 8}}")
                .status()).isEqualTo(201);
        String broke = s.call("POST", "/api/v1/tokens", admin, "{\"tenant\": \"broke\", \"role\": \"member\"}")
                .json().get("token").asString();
        String spec = TestServer.spec("paid", null, 2, "nvidia-a100", 1, "[\"true\"]", "maxRuntime: 30m\n");
        TestServer.Res refused = s.call("POST", "/api/v1/jobs", broke, spec, "application/yaml");
        assertThat(refused.status()).as(refused.body()).isEqualTo(402);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        TestServer.Res ok = s.call("POST", "/api/v1/jobs", acme, spec, "application/yaml");
        assertThat(ok.status()).isEqualTo(201);
        // 2 tasks x 1 card x 0.5 h at the demo price of 12.00 per A100 card-hour
        assertThat(ok.json().get("estimatedCost").decimalValue()).isEqualByComparingTo("12.00");
        TestServer.Res capped = s.call("POST", "/api/v1/jobs", acme, spec + "budget: 5\n", "application/yaml");
        assertThat(capped.status()).as(capped.body()).isEqualTo(402);
        assertThat(capped.json().get("detail").asString()).contains("budget").contains("12");
        assertThat(s.call("POST", "/api/v1/jobs", acme, spec + "budget: -1\n", "application/yaml").status())
                .isEqualTo(400);
        assertThat(ok.json().get("currency").asString()).isEqualTo("CNY");
    }

    /** A new tenant with an a100 quota (no borrowing) and a top-up; returns a member token. */
    private String fundedTenant(String name, int a100Nominal, int topUp) {
        assertThat(s.call("POST", "/api/v1/tenants", admin, "{\"name\": \"" + name + "\", \"quotas\": [{"
                + "\"accelerator\": \"nvidia-a100\", \"nominal\": " + a100Nominal + ", \"borrowingLimit\": 0}]}")
                .status()).isEqualTo(201);
        assertThat(s.call("POST", "/api/v1/tenants/" + name + "/topup", admin, "{\"amount\": " + topUp + "}").status())
                .isEqualTo(200);
        return s.call("POST", "/api/v1/tokens", admin, "{\"tenant\": \"" + name + "\", \"role\": \"member\"}")
                .json().get("token").asString();
    }

    @Test
    void aTenantOutOfFundsStartsNoQueuedWorkUntilItTopsUp() throws Exception {
        String poor = fundedTenant("poor", 1, 1);
        String spec = TestServer.spec("thrifty", null, 1, "nvidia-a100", 1, "[\"sleep\", \"4\"]", "maxRuntime: 1m\n");
        long first = s.submit(poor, spec);
        s.await(poor, first, Duration.ofSeconds(30), "RUNNING");
        long second = s.submit(poor, spec.replace("sleep\", \"4", "true\", \"0"));
        // an hour of an A100 elsewhere drains the balance while the second job waits for quota
        java.time.Instant t0 = java.time.Instant.parse("2026-01-05T00:00:00Z");
        s.server.metering().recordUsage(List.of(new io.computegrid.metering.usage.UsageInterval("drain-poor", first, 9, 0,
                "poor", "cloud", "a100", "nvidia-a100", 1000, 0, 0, t0, t0.plusSeconds(3600), false)));
        s.await(poor, first, Duration.ofSeconds(30), "SUCCEEDED");
        Thread.sleep(3_000);
        JsonNode e = s.call("GET", "/api/v1/jobs/" + second + "/explain", poor, null).json();
        assertThat(e.get("state").asString()).isEqualTo("PENDING");
        assertThat(e.get("summary").asString()).contains("funds");
        assertThat(s.call("POST", "/api/v1/tenants/poor/topup", admin, "{\"amount\": 100}").status()).isEqualTo(200);
        assertThat(s.await(poor, second, Duration.ofSeconds(30), "SUCCEEDED", "FAILED").get("state").asString())
                .isEqualTo("SUCCEEDED");
    }

    @Test
    void runningWorkCommitsFundsSoQueuedWorkCannotCountOnThem() throws Exception {
        // no a100 quota yet, so both jobs queue; 10 CNY covers one 30-minute card (6.00), not two
        String tight = fundedTenant("tight", 0, 10);
        String spec = TestServer.spec("commit", null, 1, "nvidia-a100", 1, "[\"sleep\", \"30\"]", "maxRuntime: 30m\n");
        long a = s.submit(tight, spec);
        long b = s.submit(tight, spec);
        assertThat(s.call("PUT", "/api/v1/tenants/tight/quotas", admin, "{\"quotas\": [{\"accelerator\": "
                + "\"nvidia-a100\", \"nominal\": 2, \"borrowingLimit\": 0}]}").status()).isEqualTo(200);
        s.await(tight, a, Duration.ofSeconds(30), "RUNNING");
        Thread.sleep(3_000);
        JsonNode e = s.call("GET", "/api/v1/jobs/" + b + "/explain", tight, null).json();
        assertThat(e.get("state").asString()).as(e.toString()).isEqualTo("PENDING");
        // the running job's rest of its 30 minutes (6.00 when it starts, a little less as it runs)
        assertThat(e.toString()).contains("can still commit").containsPattern("less [56]\\.\\d\\d CNY committed");
        // a third submission is refused outright: the running job's remaining half hour is promised
        TestServer.Res third = s.call("POST", "/api/v1/jobs", tight, spec, "application/yaml");
        assertThat(third.status()).as(third.body()).isEqualTo(402);
        assertThat(third.json().get("detail").asString()).contains("can still commit");
        // once the first job stops, its commitment is released and the second starts
        assertThat(s.call("POST", "/api/v1/jobs/" + a + "/cancel", tight, "{}").status()).isEqualTo(200);
        assertThat(s.await(tight, b, Duration.ofSeconds(30), "RUNNING", "SUCCEEDED", "FAILED").get("state")
                .asString()).isEqualTo("RUNNING");
        s.call("POST", "/api/v1/jobs/" + b + "/cancel", tight, "{}");
    }

    @Test
    void serverSentEventsCarryStateChangesOfOwnJobsOnly() throws Exception {
        HttpURLConnection conn = (HttpURLConnection) URI.create(s.url() + "/api/v1/events").toURL().openConnection();
        conn.setRequestProperty("Authorization", "Bearer " + lab);
        conn.setRequestProperty("Accept", "text/event-stream");
        conn.setReadTimeout(30_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(conn.getInputStream(), StandardCharsets.UTF_8));
        assertThat(conn.getResponseCode()).isEqualTo(200);
        long acmeOther = s.submit(acme, TestServer.spec("acmeonly", null, 1, "nvidia-a100", 1, "[\"true\"]", null));
        long mine = s.submit(lab, TestServer.spec("sse", null, 1, "nvidia-a100", 1, "[\"true\"]", null));
        CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
            StringBuilder all = new StringBuilder();
            try {
                String line;
                while ((line = in.readLine()) != null) {
                    all.append(line).append('\n');
                    if (line.contains("\"jobId\":" + mine) && line.contains("SUCCEEDED")) {
                        return all.toString();
                    }
                }
            } catch (java.io.IOException e) {
                return all + "\n" + e;
            }
            return all.toString();
        });
        String stream = seen.get(30, TimeUnit.SECONDS);
        conn.disconnect();
        assertThat(stream).contains("event: job").contains("\"jobId\":" + mine).contains("SUBMITTED")
                .doesNotContain("\"jobId\":" + acmeOther);
    }

    @Test
    void metricsExposeJobsQueueCardsCyclesAndLatency() {
        String m = s.call("GET", "/metrics", admin, null).body();
        assertThat(m).contains("grid_jobs{").contains("state=\"RUNNING\"").contains("grid_queue_length")
                .contains("grid_cards_allocated{").contains("grid_cards_idle{").contains("accelerator=\"nvidia-a100\"")
                .contains("grid_scheduling_cycle_seconds").contains("grid_api_request_seconds");
    }
}
