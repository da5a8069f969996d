package io.computegrid.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.server.console.ConsoleWorld;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The server side of the console: static files without a token and with a strict CSP, /me, and the
 * stats endpoints checked against the store's own numbers and the OpenAPI file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleApiTest {
    @TempDir
    static Path dir;
    ConsoleWorld world;
    TestServer s;
    OpenApiValidator openapi;

    @BeforeAll
    void start() throws Exception {
        world = new ConsoleWorld(dir);
        s = world.server;
        openapi = new OpenApiValidator(s.call("GET", "/api/v1/openapi.json", world.admin, null).body());
    }

    @AfterAll
    void stop() {
        world.close();
    }

    JsonNode valid(String template, String path, String token) {
        TestServer.Res r = s.call("GET", path, token, null);
        assertThat(r.status()).as(path + " " + r.body()).isEqualTo(200);
        assertThat(openapi.validate(r.json(), openapi.responseSchema(template, "GET", 200))).as(path).isEmpty();
        return r.json();
    }

    void problem(String path, String token, int status, String detailStart) {
        TestServer.Res r = s.call("GET", path, token, null);
        assertThat(r.status()).as(path + " " + r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        if (detailStart != null) {
            assertThat(r.json().get("detail").asString()).as(path).startsWith(detailStart);
        }
        assertThat(openapi.validate(r.json(), openapi.responseSchema(path.replaceAll("\\?.*", "")
                .replaceAll("/jobs/\\d+/", "/jobs/{id}/"), "GET", status)))
                .isEmpty();
    }

    @Test
    void theConsoleIsServedWithoutATokenWithAStrictContentSecurityPolicy() throws Exception {
        TestServer.Res page = s.call("GET", "/console/", null, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.body()).contains("<script type=\"module\" src=\"js/app.js\"></script>");
        var http = java.net.http.HttpClient.newHttpClient();
        var res = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.url() + "/console/js/app.js"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
        assertThat(res.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("script-src 'self'").contains("default-src 'none'").doesNotContain("unsafe");
        assertThat(res.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        String etag = res.headers().firstValue("ETag").orElseThrow();
        var again = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.url() + "/console/js/app.js"))
                .header("If-None-Match", etag).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(304);
        TestServer.Res echarts = s.call("GET", "/console/vendor/echarts.min.js", null, null);
        assertThat(echarts.status()).isEqualTo(200);
        assertThat(echarts.body()).contains("echarts").hasSizeGreaterThan(500_000);
        for (String bad : List.of("/console/nope.js", "/console/..%2fadmin.token", "/console/%2e%2e/admin.token",
                "/console/js/..%2f..%2fopenapi.json", "/console/vendor/echarts.js", "/console/.hidden")) {
            TestServer.Res r = s.call("GET", bad, null, null);
            assertThat(r.status()).as(bad).isIn(400, 404);
            assertThat(r.body()).as(bad).doesNotContain(world.admin);
        }
        // everything else still needs a token
        assertThat(s.call("GET", "/api/v1/me", null, null).status()).isEqualTo(401);
        assertThat(s.call("GET", "/consolex", null, null).status()).isEqualTo(401);
    }

    @Test
    void theConsoleSourcesInsertNoMarkupAndRunNoInlineScript() throws Exception {
        Path root = Path.of("src/main/resources/console");
        String index = Files.readString(root.resolve("index.html"));
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (f.toString().endsWith(".js")) {
                    // preloaded, so the page fetches all modules at once
                    assertThat(index).contains("<link rel=\"modulepreload\" href=\"" + root.relativize(f) + "\">");
                }
                String text = Files.readString(f);
                String name = f.toString();
                if (name.endsWith(".js")) {
                    assertThat(text).as(name).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML",
                            "document.write", "eval(", "new Function", "setAttribute('style'", "token=");
                }
                if (name.endsWith(".html")) {
                    assertThat(text).as(name).doesNotContainPattern("<script(?![^>]*\\bsrc=)")
                            .doesNotContainPattern("\\son[a-z]+=").doesNotContain("style=");
                }
            }
        }
    }

    @Test
    void meTellsTheRoleAndTenantOfTheToken() {
        JsonNode admin = valid("/api/v1/me", "/api/v1/me", world.admin);
        assertThat(admin.get("role").asString()).isEqualTo("admin");
        assertThat(admin.get("operator").asBoolean()).isTrue();
        JsonNode acme = valid("/api/v1/me", "/api/v1/me", world.acme);
        assertThat(acme.get("role").asString()).isEqualTo("member");
        assertThat(acme.get("tenant").asString()).isEqualTo("acme");
        assertThat(acme.get("operator").asBoolean()).isFalse();
    }

    @Test
    void utilisationIsTheTimeWeightedCardsTasksHeld() throws InterruptedException {
        long step = 10_000;
        // a range wholly in the past (the bucket holding now is averaged over its elapsed part only):
        // from a step before the first task to the start of the current step
        Instant first = s.server.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT min(started_at) FROM tasks").mapTo(Timestamp.class).one()).toInstant();
        long from = (first.toEpochMilli() / step - 1) * step;
        while (System.currentTimeMillis() / step * step < from + 3 * step) {
            Thread.sleep(100);
        }
        long to = System.currentTimeMillis() / step * step;
        JsonNode u = valid("/api/v1/stats/utilisation", "/api/v1/stats/utilisation?step=10&center=cloud&from="
                + Instant.ofEpochMilli(from) + "&to=" + Instant.ofEpochMilli(to), world.admin);
        assertThat(u.get("series")).hasSize(1);
        JsonNode a100 = u.get("series").get(0);
        assertThat(a100.get("center").asString()).isEqualTo("cloud");
        assertThat(a100.get("capacityCards").asDouble()).isEqualTo(16);
        double cardMillis = 0;
        for (JsonNode v : a100.get("allocatedCards")) {
            cardMillis += v.asDouble() * step;
        }
        double expected = s.server.database().jdbi().withHandle(h -> h.createQuery("""
                SELECT COALESCE(sum(cardinality(string_to_array(t.cards, ',')) * t.milli_per_card / 1000.0
                    * extract(epoch FROM least(COALESCE(t.finished_at, now()), :to) - greatest(t.started_at, :from))
                    * 1000), 0)
                FROM tasks t JOIN nodes n ON n.name = t.node
                WHERE n.center = 'cloud' AND t.started_at < :to AND COALESCE(t.finished_at, now()) > :from""")
                .bind("from", new Timestamp(from)).bind("to", new Timestamp(to)).mapTo(Double.class).one());
        assertThat(expected).isPositive();
        // each point is rounded to a thousandth of a card
        assertThat(cardMillis).isCloseTo(expected, org.assertj.core.data.Offset.offset(
                a100.get("allocatedCards").size() * 0.0005 * step + 1));
        assertThat(a100.get("allocatedPflops").get(0).asDouble()).isEqualTo(
                Math.round(a100.get("allocatedCards").get(0).asDouble() * 0.312 * 1000) / 1000.0);
    }

    @Test
    void queuesCountThePendingJobsWithTheirReasons() {
        JsonNode q = valid("/api/v1/stats/queues", "/api/v1/stats/queues", world.admin);
        JsonNode pending = world.get("/api/v1/jobs?state=PENDING", world.admin).get("items");
        assertThat(q.get("pending").asLong()).isEqualTo(pending.size()).isEqualTo(1);
        JsonNode explain = world.get("/api/v1/jobs/" + world.waiting + "/explain", world.admin);
        assertThat(q.get("byReason").get(0).get("code").asString())
                .isEqualTo(explain.get("waiting").get("code").asString());
        assertThat(q.get("byTenant").get(0).get("tenant").asString()).isEqualTo("acme");
        assertThat(q.get("byTenant").get(0).get("cards").asDouble()).isEqualTo(2);
        assertThat(q.get("byModel").get(0).get("accelerator").asString()).isEqualTo("ascend-310");
        assertThat(q.get("oldest").get(0).get("id").asLong()).isEqualTo(world.waiting);
    }

    @Test
    void revenueAndUsageSeriesAddUpToTheUsageRecords() {
        JsonNode all = world.get("/api/v1/usage?limit=500", world.admin).get("items");
        BigDecimal cost = BigDecimal.ZERO;
        BigDecimal acmeCost = BigDecimal.ZERO;
        BigDecimal acmeCardSeconds = BigDecimal.ZERO;
        for (JsonNode r : all) {
            cost = cost.add(r.get("cost").decimalValue());
            if (r.get("tenant").asString().equals("acme")) {
                acmeCost = acmeCost.add(r.get("cost").decimalValue());
                acmeCardSeconds = acmeCardSeconds.add(r.get("cardSeconds").decimalValue());
            }
        }
        assertThat(cost).isPositive();
        JsonNode rev = valid("/api/v1/stats/revenue", "/api/v1/stats/revenue", world.admin);
        assertThat(rev.get("totals").get("gross").decimalValue()).isEqualByComparingTo(cost);
        assertThat(rev.get("times")).hasSize(30);
        BigDecimal perProvider = BigDecimal.ZERO;
        for (JsonNode p : rev.get("providers")) {
            perProvider = perProvider.add(p.get("gross").decimalValue());
            assertThat(p.get("net").decimalValue()).isEqualByComparingTo(
                    p.get("gross").decimalValue().subtract(p.get("fees").decimalValue()));
        }
        assertThat(perProvider).isEqualByComparingTo(cost);

        JsonNode mine = valid("/api/v1/stats/usage", "/api/v1/stats/usage", world.acme);
        assertThat(mine.get("tenant").asString()).isEqualTo("acme");
        assertThat(mine.get("totals").get("cost").decimalValue()).isEqualByComparingTo(acmeCost);
        assertThat(mine.get("totals").get("cardHours").decimalValue()).isEqualByComparingTo(
                acmeCardSeconds.divide(BigDecimal.valueOf(3600), 6, RoundingMode.HALF_EVEN));
        JsonNode everyone = valid("/api/v1/stats/usage", "/api/v1/stats/usage", world.admin);
        assertThat(everyone.get("totals").get("cost").decimalValue()).isEqualByComparingTo(cost);
    }

    @Test
    void badParametersAre400sNamingTheFieldAndMembersGetNoOperatorData() {
        problem("/api/v1/stats/utilisation?step=abc", world.admin, 400, "step:");
        problem("/api/v1/stats/utilisation?step=1", world.admin, 400, "step:");
        problem("/api/v1/stats/utilisation?from=2026-13-01", world.admin, 400, "from:");
        problem("/api/v1/stats/utilisation?from=2030-01-02&to=2030-01-01", world.admin, 400, "from:");
        problem("/api/v1/stats/utilisation?from=2020-01-01&to=2026-01-01", world.admin, 400, "from:");
        problem("/api/v1/stats/utilisation?from=2026-01-01&to=2026-03-01&step=60", world.admin, 400, "step:");
        problem("/api/v1/stats/utilisation?center=atlantis", world.admin, 400, "center:");
        problem("/api/v1/stats/revenue?to=yesterday", world.admin, 400, "to:");
        problem("/api/v1/stats/usage?step=0", world.acme, 400, "step:");
        for (String path : List.of("/api/v1/stats/utilisation", "/api/v1/stats/queues", "/api/v1/stats/revenue")) {
            problem(path, world.acme, 403, null);
            problem(path, null, 401, null);
        }
        problem("/api/v1/stats/usage?tenant=lab", world.acme, 404, null);
    }

    @Test
    void logsTailIsTheLastLinesOfEachTaskAndTheJobListMatchesEachJob() {
        long job = world.finished.get(0);
        TestServer.Res tail = s.call("GET", "/api/v1/jobs/" + job + "/logs?tail=2", world.acme, null);
        assertThat(tail.status()).isEqualTo(200);
        assertThat(tail.body()).isEqualTo("==> task 0 <==\nstep 3 of task 0\n--- attempt 1: exited (exit 0) ---\n"
                + "==> task 1 <==\nstep 3 of task 1\n--- attempt 1: exited (exit 0) ---\n");
        TestServer.Res one = s.call("GET", "/api/v1/jobs/" + job + "/logs?task=1&tail=1", world.acme, null);
        assertThat(one.body()).isEqualTo("--- attempt 1: exited (exit 0) ---\n");
        problem("/api/v1/jobs/" + job + "/logs?tail=0", world.acme, 400, "tail:");
        problem("/api/v1/jobs/" + job + "/logs?task=0&follow=true&tail=5", world.acme, 400, "tail:");
        // the page's views (tasks read for the whole page at once) equal each job's own view
        for (JsonNode j : world.get("/api/v1/jobs", world.admin).get("items")) {
            JsonNode alone = world.get("/api/v1/jobs/" + j.get("id").asLong(), world.admin);
            assertThat(j.get("tasks")).as("job " + j.get("id")).isEqualTo(alone.get("tasks"));
            assertThat(j.get("state")).isEqualTo(alone.get("state"));
        }
    }
}
