package io.computegrid.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The operator's console in headless chromium against a real server: every number is the API's. */
class ConsoleOperatorTest extends ConsoleBrowserTestBase {
    @Test
    void anOperatorSeesCentersUtilisationQueuesAndRevenueAsTheApiReportsThem() {
        browser.signIn("cg_this-is-not-a-token");
        assertThat(browser.signedIn()).isFalse();
        assertThat(browser.signInError()).contains("401").contains("did not accept");
        assertThat(browser.script("return sessionStorage.length")).isEqualTo(0L);
        // the refused calls of the sign-in are all there is in the browser log
        assertThat(browser.chromium.severeLog()).isNotEmpty().allMatch(m -> m.contains("/api/v1/") && m.contains("401"));
        browser.shot("signin-error");

        // an edge box joins the demo's agent center (through the agent protocol, as grid agent does)
        String join = world.server.call("POST", "/api/v1/agents/join-tokens", world.admin, "{\"center\": \"field\"}")
                .json().get("token").asString();
        assertThat(world.server.call("POST", "/api/v1/agent/register", join, """
                {"name": "kiosk", "accelerator": "nvidia-t4", "cards": 1, "cpuMilli": 2000, "memoryMiB": 4096,
                 "address": "127.0.0.1", "portFrom": 41000, "portTo": 41009, "session": "c1", "version": "test"}""")
                .status()).isEqualTo(201);

        browser.signIn(world.admin);
        assertThat(browser.signedIn()).isTrue();
        assertThat(browser.text("[data-test=role]")).isEqualTo("admin");
        assertThat(browser.script("return location.hash")).isEqualTo("#/centers");
        centers();
        browser.shot("operator-centers");

        browser.go("#/utilisation?range=6h");
        utilisation();
        browser.shot("operator-utilisation");

        browser.go("#/queues");
        queues();
        browser.shot("operator-queues");

        browser.go("#/revenue?range=7d");
        revenue();
        browser.shot("operator-revenue");

        browser.go("#/jobs");
        assertThat(browser.texts("[data-test=jobs-table] tbody tr").size()).isEqualTo(
                world.get("/api/v1/jobs", world.admin).get("items").size());
        browser.shot("operator-jobs");
        browser.assertNoBrowserErrors();

        browser.click("#signout");
        assertThat(browser.signedIn()).isFalse();
        assertThat(browser.script("return sessionStorage.length")).isEqualTo(0L);
        assertThat(browser.script("return location.href")).asString().doesNotContain(world.admin);
    }

    private void centers() {
        JsonNode api = world.get("/api/v1/centers", world.admin).get("items");
        double allocated = 0;
        List<Double> apiAllocated = new ArrayList<>();
        for (JsonNode c : api) {
            String css = "[data-center='" + c.get("name").asString() + "']";
            assertThat(browser.all(css)).hasSize(1);
            assertThat(browser.all(css).get(0).getAttribute("data-status")).isEqualTo(c.get("status").asString());
            List<String> shown = browser.texts(css + " [data-test=pool-allocated]");
            List<String> cards = browser.texts(css + " [data-test=pool-cards]");
            for (int i = 0; i < c.get("pools").size(); i++) {
                JsonNode p = c.get("pools").get(i);
                assertThat(number(shown.get(i)).doubleValue()).isEqualTo(p.get("allocated").asDouble());
                assertThat(number(cards.get(i)).longValue()).isEqualTo(p.get("cards").asLong());
                allocated += p.get("allocated").asDouble();
                apiAllocated.add(p.get("allocated").asDouble());
            }
        }
        // the agent center lists its box
        assertThat(browser.texts("[data-center='field'] [data-test=agents] tbody tr td:first-child"))
                .containsExactly("kiosk");
        assertThat(browser.texts("[data-center='field'] [data-test=agent-status]")).containsExactly("UP");
        assertThat(browser.all("[data-center='cloud'] [data-test=agents]")).as("no agents table for a local center")
                .isEmpty();
        // the running 4-card job and the 2x4 edge gang hold 12 cards
        assertThat(allocated).isEqualTo(12.0);
        assertThat(number(browser.text("[data-test=kpi-allocated]")).doubleValue()).isEqualTo(allocated);
        List<Double> charted = new ArrayList<>();
        browser.chart("centers-cards").get("series").get(0).get("data").forEach(v -> charted.add(v.asDouble()));
        assertThat(charted).isEqualTo(apiAllocated);
    }

    private void utilisation() {
        JsonNode option = browser.chart("utilisation-cards");
        JsonNode api = world.get("/api/v1/stats/utilisation?from=" + java.time.Instant.now().minusSeconds(6 * 3600),
                world.admin);
        List<String> names = new ArrayList<>();
        option.get("series").forEach(s -> names.add(s.get("name").asString()));
        for (JsonNode s : api.get("series")) {
            String name = s.get("center").asString() + " · " + s.get("accelerator").asString();
            assertThat(names).contains(name, name + " capacity");
        }
        double peakA100 = 0;
        for (JsonNode s : option.get("series")) {
            if (s.get("name").asString().equals("cloud · nvidia-a100")) {
                for (JsonNode v : s.get("data")) {
                    peakA100 = Math.max(peakA100, v.isNumber() ? v.asDouble() : 0);
                }
            }
            if (s.get("name").asString().equals("cloud · nvidia-a100 capacity")) {
                assertThat(s.get("data").get(0).asDouble()).isEqualTo(16.0);
            }
        }
        // the 4-card job has run through the latest bucket; averages never exceed what was held
        assertThat(peakA100).isGreaterThan(0).isLessThanOrEqualTo(6.0);
        assertThat(browser.chart("utilisation-pflops").get("series").size()).isEqualTo(api.get("series").size() + 1);
    }

    private void queues() {
        JsonNode q = world.get("/api/v1/stats/queues", world.admin);
        assertThat(q.get("pending").asLong()).isEqualTo(1);
        assertThat(number(browser.text("[data-test=kpi-pending]")).longValue()).isEqualTo(q.get("pending").asLong());
        assertThat(browser.texts("[data-test=queue-tenants] tbody tr td:first-child"))
                .containsExactly(q.get("byTenant").get(0).get("tenant").asString());
        assertThat(browser.texts("[data-test=tenant-pending]")).containsExactly("1");
        String code = q.get("byReason").get(0).get("code").asString();
        assertThat(browser.texts("[data-test=queue-reasons] tbody tr td:first-child")).containsExactly(code);
        assertThat(browser.texts("[data-test=queue-oldest] tbody tr td:first-child"))
                .containsExactly("#" + world.waiting);
        assertThat(browser.chart("queues-reasons").get("series").get(0).get("data").get(0).asLong()).isEqualTo(1);
    }

    private void revenue() {
        JsonNode api = world.get("/api/v1/stats/revenue?step=1d&from=" + java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                .minusDays(6), world.admin);
        BigDecimal gross = new BigDecimal(api.get("totals").get("gross").asString());
        assertThat(gross).isPositive();
        assertThat(number(browser.text("[data-test=kpi-gross]"))).isEqualByComparingTo(gross);
        assertThat(number(browser.text("[data-test=kpi-net]")))
                .isEqualByComparingTo(new BigDecimal(api.get("totals").get("net").asString()));
        BigDecimal charted = BigDecimal.ZERO;
        for (JsonNode s : browser.chart("revenue").get("series")) {
            if (s.get("stack") != null) {
                for (JsonNode v : s.get("data")) {
                    charted = charted.add(new BigDecimal(v.asString()));
                }
            }
        }
        assertThat(charted).isEqualByComparingTo(gross);
    }
}
