package io.computegrid.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A tenant member's console in headless chromium: its own jobs only, explain, usage, bills and vouchers as the API has them. */
class ConsoleTenantTest extends ConsoleBrowserTestBase {
    @Test
    void aMemberSeesItsOwnJobsWithExplainAndItsMoneyAsTheApiReportsIt() {
        browser.signIn(world.acme);
        assertThat(browser.text("[data-test=role]")).isEqualTo("member");
        assertThat(browser.text("[data-test=tenant]")).isEqualTo("acme");
        assertThat(browser.script("return location.hash")).isEqualTo("#/jobs");
        // no operator pages in the navigation, and none by typing their address
        assertThat(browser.texts(".nav-link")).containsExactly("Jobs", "Services", "Usage", "Bills", "Vouchers");
        browser.go("#/centers");
        assertThat(browser.text("[data-test=not-found]")).contains("for operators");

        browser.go("#/jobs");
        List<String> shown = new ArrayList<>();
        browser.all("[data-test=jobs-table] tbody tr").forEach(r -> shown.add(r.getAttribute("data-key")));
        List<String> own = new ArrayList<>();
        world.get("/api/v1/jobs", world.acme).get("items").forEach(j -> own.add(j.get("id").asString()));
        assertThat(shown).isEqualTo(own).hasSize(4);
        for (JsonNode j : world.get("/api/v1/jobs?tenant=lab", world.admin).get("items")) {
            assertThat(shown).doesNotContain(j.get("id").asString());
        }
        browser.shot("tenant-jobs");
        browser.go("#/jobs?state=SUCCEEDED");
        assertThat(browser.all("[data-test=jobs-table] tbody tr")).hasSize(2);

        // the waiting job's page says why in words, as explain does
        browser.go("#/jobs/" + world.waiting);
        JsonNode x = world.get("/api/v1/jobs/" + world.waiting + "/explain", world.acme);
        assertThat(browser.text("[data-test=wait-reason]")).isEqualTo(x.get("waiting").get("message").asString());
        assertThat(browser.text("[data-test=wait-code]")).isEqualTo(x.get("waiting").get("code").asString());
        browser.shot("tenant-job-waiting");
        // a finished job shows its score table and its logs
        long done = world.finished.get(0);
        browser.go("#/jobs/" + done);
        JsonNode scores = world.get("/api/v1/jobs/" + done + "/explain", world.acme).get("placement").get("scores");
        assertThat(browser.all("[data-test=scores] tbody tr")).hasSize(scores.size());
        assertThat(browser.text("[data-test=logs]")).contains("step 3 of task 1");
        assertThat(browser.all("[data-test=tasks] tbody tr")).hasSize(2);
        browser.shot("tenant-job");
        // another tenant's job is not found, as in the API
        long labJob = world.finished.get(1);
        browser.chromium.script("location.hash = arguments[0]", "#/jobs/" + labJob);
        browser.waitReadyOrError();
        assertThat(browser.text("[data-test=error]")).contains("404");
        browser.chromium.severeLog(); // the refused calls above are expected in the log

        usage();
        bill();
        vouchers();
        browser.assertNoBrowserErrors();
    }

    private void usage() {
        browser.go("#/usage?range=7d");
        JsonNode s = world.get("/api/v1/stats/usage?step=1d&from="
                + java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(6), world.acme);
        JsonNode records = world.get("/api/v1/usage?limit=500", world.acme).get("items");
        BigDecimal cost = BigDecimal.ZERO;
        for (JsonNode r : records) {
            cost = cost.add(new BigDecimal(r.get("cost").asString()));
            assertThat(r.get("tenant").asString()).isEqualTo("acme");
        }
        assertThat(number(browser.text("[data-test=kpi-cost]"))).isEqualByComparingTo(cost)
                .isEqualByComparingTo(new BigDecimal(s.get("totals").get("cost").asString()));
        assertThat(number(browser.text("[data-test=kpi-records]")).longValue()).isEqualTo(records.size());
        assertThat(browser.all("[data-test=usage-records] tbody tr")).hasSize(records.size());
        BigDecimal charted = BigDecimal.ZERO;
        int bars = 0;
        for (JsonNode series : browser.chart("usage").get("series")) {
            if (series.get("stack") != null) {
                for (JsonNode v : series.get("data")) {
                    charted = charted.add(new BigDecimal(v.asString()));
                    bars++;
                }
            }
        }
        // each bar is rounded to a millionth of a card-hour, the total once
        assertThat(charted).isCloseTo(new BigDecimal(s.get("totals").get("cardHours").asString()),
                org.assertj.core.data.Offset.offset(new BigDecimal("0.0000005").multiply(BigDecimal.valueOf(bars))));
        assertThat(charted).isPositive();
        browser.shot("tenant-usage");
    }

    private void bill() {
        browser.go("#/bills");
        JsonNode b = world.get("/api/v1/bills", world.acme);
        assertThat(new BigDecimal(b.get("total").asString())).isPositive();
        assertThat(number(browser.text("[data-test=kpi-total]"))).isEqualByComparingTo(b.get("total").asString());
        assertThat(number(browser.text("[data-test=kpi-vouchers]")))
                .isEqualByComparingTo(b.get("paidByVouchers").asString());
        assertThat(number(browser.text("[data-test=kpi-balance]"))).isEqualByComparingTo(b.get("paidByBalance").asString());
        assertThat(browser.all("[data-test=bill-lines] tbody tr")).hasSize(b.get("lines").size());
        assertThat(browser.chart("bill-split").get("series").get(0).get("data").size()).isPositive();
        browser.shot("tenant-bill");
    }

    private void vouchers() {
        browser.go("#/vouchers");
        JsonNode v = world.get("/api/v1/vouchers", world.acme).get("items");
        List<BigDecimal> api = new ArrayList<>();
        v.forEach(x -> api.add(new BigDecimal(x.get("remaining").asString())));
        List<BigDecimal> shown = browser.texts("[data-test=voucher-remaining]").stream()
                .map(ConsoleBrowserTestBase::number).toList();
        assertThat(shown).usingElementComparator(BigDecimal::compareTo).isEqualTo(api);
        assertThat(shown).isNotEmpty();
        assertThat(browser.chart("vouchers").get("series").get(1).get("data").size()).isEqualTo(v.size());
        browser.shot("tenant-vouchers");
    }
}
