package io.computegrid.server.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.metering.usage.UsageInterval;
import io.computegrid.server.GridServer;
import io.computegrid.server.ServerOptions;
import io.computegrid.server.api.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The billing endpoints on a real server (demo federation, embedded PostgreSQL). */
class BillingRoutesTest {
    @TempDir
    Path data;
    final HttpClient http = HttpClient.newHttpClient();

    record Res(int status, String type, String body) {
        JsonNode json() {
            return Json.MAPPER.readTree(body);
        }
    }

    Res call(GridServer s, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Res(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    @Test
    void operatorsChangeMoneyMembersSeeTheirOwnBills() throws Exception {
        try (GridServer s = new GridServer(new ServerOptions("127.0.0.1", 0, data, null, null, null, true, null, null))
                .start()) {
            String admin = Files.readString(data.resolve("admin.token")).trim();
            Path tokens = data.resolve("demo-tokens");
            List<Path> files;
            try (var l = Files.list(tokens)) {
                files = l.sorted().toList();
            }
            String tenant = files.get(0).getFileName().toString().replace(".token", "");
            String other = files.get(1).getFileName().toString().replace(".token", "");
            String member = Files.readString(files.get(0)).trim();

            assertThat(call(s, "POST", "/api/v1/tenants/" + tenant + "/topup", member, "{\"amount\": 5}").status())
                    .isEqualTo(403);
            assertThat(call(s, "POST", "/api/v1/tenants/" + tenant + "/topup", admin, "{\"amount\": 5, \"currency\": \"USD\"}")
                    .status()).isEqualTo(400);
            assertThat(call(s, "POST", "/api/v1/tenants/nobody/topup", admin, "{\"amount\": 5}").status()).isEqualTo(404);
            Res top = call(s, "POST", "/api/v1/tenants/" + tenant + "/topup", admin, "{\"amount\": 100}");
            assertThat(top.status()).isEqualTo(200);
            assertThat(top.json().get("balance").decimalValue()).isGreaterThanOrEqualTo(new java.math.BigDecimal("100"));
            Res v = call(s, "POST", "/api/v1/vouchers", admin, "{\"tenant\": \"" + tenant
                    + "\", \"amount\": 20, \"share\": 0.5}");
            assertThat(v.status()).isEqualTo(201);
            assertThat(call(s, "POST", "/api/v1/vouchers", admin, "{\"tenant\": \"" + tenant + "\"}").status())
                    .isEqualTo(400);
            assertThat(call(s, "POST", "/api/v1/vouchers", member, "{\"tenant\": \"" + tenant + "\", \"amount\": 1}")
                    .status()).isEqualTo(403);
            assertThat(call(s, "POST", "/api/v1/prices", admin, "{\"onDemand\": -1}").status()).isEqualTo(400);
            assertThat(call(s, "GET", "/api/v1/prices", member, null).status()).isEqualTo(200);

            Instant now = Instant.now().minusSeconds(120);
            s.metering().recordUsage(List.of(new UsageInterval("t-1", 42, 0, 0, tenant, "cloud", "a100",
                    "nvidia-a100", 1000, 1000, 1024, now, now.plusSeconds(60), false)));
            Res mine = call(s, "GET", "/api/v1/usage", member, null);
            assertThat(mine.status()).isEqualTo(200);
            JsonNode item = mine.json().get("items").get(0);
            for (String f : List.of("jobId", "tenant", "center", "accelerator", "cardSeconds", "cost")) {
                assertThat(item.has(f)).as(f).isTrue();
            }
            assertThat(item.get("jobId").asLong()).isEqualTo(42);
            assertThat(item.get("cardSeconds").decimalValue()).isEqualByComparingTo("60");
            Res usage = call(s, "GET", "/api/v1/usage?tenant=" + other, member, null);
            assertThat(usage.status()).isEqualTo(404);
            String month = YearMonth.now(ZoneOffset.UTC).toString();
            Res bill = call(s, "GET", "/api/v1/bills?month=" + month, member, null);
            assertThat(bill.status()).isEqualTo(200);
            assertThat(bill.json().has("total")).isTrue();
            assertThat(bill.json().get("currency").asString()).isEqualTo("CNY");
            assertThat(bill.json().has("paidByVouchers") && bill.json().has("paidByBalance")
                    && bill.json().get("lines").isArray()).isTrue();
            assertThat(call(s, "GET", "/api/v1/bills?tenant=" + other, member, null).status()).isEqualTo(404);
            assertThat(call(s, "GET", "/api/v1/bills?tenant=nobody", admin, null).status()).isEqualTo(404);
            assertThat(call(s, "GET", "/api/v1/bills?tenant=" + tenant + "&format=html", admin, null).type())
                    .startsWith("text/html");
            assertThat(call(s, "GET", "/api/v1/bills?tenant=" + tenant + "&format=csv", admin, null).body())
                    .startsWith("tenant,month");
            Res check = call(s, "GET", "/api/v1/ledger/check", admin, null);
            assertThat(check.json().get("ok").asBoolean()).isTrue();
            assertThat(call(s, "GET", "/api/v1/ledger/check", member, null).status()).isEqualTo(403);
        }
    }
}
