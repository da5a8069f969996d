package io.computegrid.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numbers no field can hold (1e400, -1e400, 1e-400, 99999999999999999999999, fifty decimal places, YAML's .inf
 * and .nan) reach every numeric field of every endpoint: each gets 400 problem+json naming the field, never 500,
 * and nothing is written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HugeNumbersTest {
    @TempDir
    static Path dir;
    TestServer s;
    String admin;

    static final List<String> NUMBERS = List.of("1e400", "-1e400", "1e-400", "99999999999999999999999",
            "1.00000000000000000000000000000000000000000000000001", "-99999999999999999999999.5");

    /** One numeric field of one endpoint: {@code body} holds {@code %s} where the number goes. */
    record Field(String method, String path, String body, String field) {
    }

    static final String JOB = "{\"name\":\"n\",\"tenant\":\"acme\",\"command\":[\"true\"],";
    static final String RES = "\"accelerator\":\"nvidia-a100\",\"count\":1";
    static final String SVC = "{\"kind\":\"service\",\"name\":\"chat\",\"tenant\":\"acme\",\"command\":[\"true\"],"
            + "\"resources\":{" + RES + "},";

    static final List<Field> FIELDS = List.of(
            new Field("POST", "/api/v1/jobs", JOB + "\"tasks\":%s,\"resources\":{" + RES + "}}", "tasks"),
            new Field("POST", "/api/v1/jobs", JOB + "\"resources\":{\"accelerator\":\"nvidia-a100\",\"count\":%s}}",
                    "resources.count"),
            new Field("POST", "/api/v1/jobs", JOB + "\"resources\":{" + RES + ",\"cpu\":%s}}", "resources.cpu"),
            new Field("POST", "/api/v1/jobs", JOB + "\"resources\":{" + RES + ",\"memory\":%s}}", "resources.memory"),
            new Field("POST", "/api/v1/jobs", JOB + "\"resources\":{" + RES + "},\"budget\":%s}", "budget"),
            new Field("POST", "/api/v1/jobs", JOB + "\"resources\":{" + RES + "},\"maxRuntime\":%s}", "maxRuntime"),
            new Field("POST", "/api/v1/jobs", JOB + "\"resources\":{" + RES + "},\"minRuntime\":%s}", "minRuntime"),
            new Field("POST", "/api/v1/jobs", JOB + "\"resources\":{\"accelerator\":[{\"model\":\"nvidia-a100\","
                    + "\"speed\":%s}],\"count\":1}}", "resources.accelerator[0].speed"),
            new Field("POST", "/api/v1/jobs", JOB + "\"resources\":{" + RES + "},\"datasets\":[{\"name\":\"d\","
                    + "\"center\":\"cloud\",\"sizeGb\":%s}]}", "datasets[0].sizeGb"),
            new Field("POST", "/api/v1/tenants", "{\"name\":\"t-new\",\"quota\":{\"nvidia-a100\":%s}}", "quota.nvidia-a100"),
            new Field("POST", "/api/v1/tenants", "{\"name\":\"t-new\",\"weight\":%s}", "weight"),
            new Field("PUT", "/api/v1/tenants/acme", "{\"weight\":%s}", "weight"),
            new Field("PUT", "/api/v1/tenants/acme/quotas", "{\"quota\":{\"nvidia-a100\":%s}}", "quota.nvidia-a100"),
            new Field("POST", "/api/v1/tenants/acme/topup", "{\"amount\":%s}", "amount"),
            new Field("PUT", "/api/v1/tenants/acme/account", "{\"creditLimit\":%s}", "creditLimit"),
            new Field("PUT", "/api/v1/tenants/acme/account", "{\"monthlyBudget\":%s}", "monthlyBudget"),
            new Field("POST", "/api/v1/vouchers", "{\"tenant\":\"acme\",\"amount\":%s}", "amount"),
            new Field("POST", "/api/v1/vouchers", "{\"tenant\":\"acme\",\"amount\":5,\"share\":%s}", "share"),
            new Field("POST", "/api/v1/prices", "{\"onDemand\":%s}", "onDemand"),
            new Field("POST", "/api/v1/prices", "{\"onDemand\":1,\"preemptible\":%s}", "preemptible"),
            new Field("POST", "/api/v1/prices", "{\"onDemand\":1,\"cpuCoreHour\":%s}", "cpuCoreHour"),
            new Field("PUT", "/api/v1/settings/scheduler", "{\"maxJobsPerCycle\":%s}", "scheduler.maxJobsPerCycle"),
            new Field("PUT", "/api/v1/settings/scheduler", "{\"fairShare\":{\"historyWeight\":%s}}",
                    "scheduler.fairShare.historyWeight"),
            new Field("PUT", "/api/v1/settings/scheduler", "{\"las\":{\"thresholdsCardSeconds\":[%s]}}",
                    "scheduler.las.thresholdsCardSeconds[0]"),
            new Field("POST", "/api/v1/services", SVC + "\"replicas\":{\"min\":0,\"max\":%s}}", "replicas.max"),
            new Field("POST", "/api/v1/services", SVC + "\"replicas\":{\"min\":%s,\"max\":2}}", "replicas.min"),
            new Field("POST", "/api/v1/services", SVC + "\"autoscaling\":{\"targetInFlight\":%s}}",
                    "autoscaling.targetInFlight"),
            new Field("POST", "/api/v1/services", SVC + "\"autoscaling\":{\"panicThreshold\":%s}}",
                    "autoscaling.panicThreshold"),
            new Field("POST", "/api/v1/services", SVC + "\"maxBufferedRequests\":%s}", "maxBufferedRequests"),
            new Field("POST", "/api/v1/services", SVC + "\"maxRequestBody\":%s}", "maxRequestBody"),
            new Field("POST", "/api/v1/services", SVC + "\"requestTimeout\":%s}", "requestTimeout"),
            new Field("POST", "/api/v1/agents/join-tokens", "{\"center\":\"edge\",\"ttl\":%s}", "ttl"),
            new Field("GET", "/api/v1/stats/utilisation?step=%s", null, "step"),
            new Field("GET", "/api/v1/stats/revenue?from=%s", null, "from"),
            new Field("GET", "/api/v1/jobs?limit=%s", null, "limit"),
            new Field("GET", "/api/v1/jobs?cursor=%s", null, "cursor"),
            new Field("GET", "/api/v1/usage?job=%s", null, "job"));

    @BeforeAll
    void start() throws Exception {
        s = new TestServer(dir);
        admin = s.adminToken();
    }

    @AfterAll
    void stop() {
        s.close();
    }

    /** Everything these endpoints could change. */
    String fingerprint() {
        return s.server.database().jdbi().withHandle(h -> h.createQuery("""
                SELECT (SELECT count(*) FROM jobs) || '/' || (SELECT string_agg(name || weight, ',' ORDER BY name) FROM tenants)
                    || '/' || (SELECT string_agg(tenant || accelerator || nominal, ',' ORDER BY tenant, accelerator) FROM quotas)
                    || '/' || (SELECT count(*) FROM settings WHERE key LIKE 'section.%')
                    || '/' || (SELECT string_agg(tenant || balance || credit_limit || COALESCE(monthly_budget::text, '-'), ','
                        ORDER BY tenant) FROM metering_account)
                    || '/' || (SELECT count(*) FROM metering_voucher) || '/' || (SELECT count(*) FROM metering_price)
                    || '/' || (SELECT count(*) FROM metering_txn) || '/' || (SELECT count(*) FROM services)
                    || '/' || (SELECT count(*) FROM agent_join_tokens)""").mapTo(String.class).one());
    }

    @Test
    void everyNumericFieldRefusesNumbersItCannotHoldWith400NamingIt() {
        String before = fingerprint();
        List<String> wrong = new ArrayList<>();
        for (Field f : FIELDS) {
            for (String n : NUMBERS) {
                String path = f.body() == null ? f.path().formatted(n) : f.path();
                TestServer.Res r = s.call(f.method(), path, admin, f.body() == null ? null : f.body().formatted(n));
                String detail = r.status() == 400 ? r.json().path("detail").asString() : "";
                if (r.status() != 400 || !r.contentType().startsWith("application/problem+json")
                        || !detail.startsWith(f.field())) {
                    wrong.add(f.method() + " " + path + " " + f.field() + "=" + n + " -> " + r.status() + " " + r.body());
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(fingerprint()).isEqualTo(before);
    }

    @Test
    void yamlInfinityAndNotANumberAre400Too() {
        String before = fingerprint();
        for (String v : List.of(".inf", "-.inf", ".nan", "1e400")) {
            for (String field : List.of("count", "cpu")) {
                String yaml = "name: n\ntenant: acme\ncommand: [\"true\"]\nresources:\n  accelerator: nvidia-a100\n  count: "
                        + ("count".equals(field) ? v : "1") + "\n  cpu: " + ("cpu".equals(field) ? v : "1") + "\n";
                TestServer.Res r = s.call("POST", "/api/v1/jobs", admin, yaml, "application/yaml");
                assertThat(r.status()).as(field + "=" + v + " " + r.body()).isEqualTo(400);
                assertThat(r.json().get("detail").asString()).startsWith("resources." + field);
            }
            TestServer.Res budget = s.call("POST", "/api/v1/jobs", admin, "name: n\ntenant: acme\ncommand: [\"true\"]\n"
                    + "resources: {accelerator: nvidia-a100, count: 1}\nbudget: " + v + "\n", "application/yaml");
            assertThat(budget.status()).isEqualTo(400);
            assertThat(budget.json().get("detail").asString()).startsWith("budget");
        }
        assertThat(fingerprint()).isEqualTo(before);
    }
}
