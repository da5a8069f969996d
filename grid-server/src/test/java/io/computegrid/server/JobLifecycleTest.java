package io.computegrid.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The real server end to end over HTTP: run, fail, cancel, time out, restart. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobLifecycleTest {
    @TempDir
    static Path dir;
    TestServer s;
    String admin;
    String acme;

    @BeforeAll
    void start() throws Exception {
        s = new TestServer(dir);
        admin = s.adminToken();
        acme = s.memberToken("acme");
    }

    @AfterAll
    void stop() {
        s.close();
    }

    @Test
    void aGangRunsWithTheContractEnvironmentAndLogsStayReadable() throws Exception {
        long id = s.submit(acme, TestServer.spec("envcheck", null, 2, "nvidia-a100", 2,
                "[\"sh\", \"-c\", \"echo idx=$GRID_TASK_INDEX n=$GRID_TASKS job=$GRID_JOB_ID acc=$GRID_ACCELERATORS "
                        + "cuda=$CUDA_VISIBLE_DEVICES master=$GRID_MASTER_ADDR:$GRID_MASTER_PORT\"]", null));
        JsonNode j = s.await(acme, id, Duration.ofSeconds(30), "SUCCEEDED", "FAILED");
        assertThat(j.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(j.get("tenant").asString()).isEqualTo("acme");
        assertThat(j.get("tasks")).hasSize(2);
        // logical cards are exclusive: the two tasks hold four distinct (node, card) pairs
        Set<String> cards = new HashSet<>();
        for (JsonNode t : j.get("tasks")) {
            for (JsonNode c : t.get("cards")) {
                cards.add(t.get("node").asString() + "#" + c.asInt());
            }
        }
        assertThat(cards).hasSize(4);
        String log0 = s.call("GET", "/api/v1/jobs/" + id + "/logs?task=0", acme, null).body();
        String log1 = s.call("GET", "/api/v1/jobs/" + id + "/logs?task=1", acme, null).body();
        assertThat(log0).contains("idx=0 n=2 job=" + id).contains("master=127.0.0.1:");
        assertThat(log1).contains("idx=1 n=2 job=" + id);
        String port0 = log0.replaceAll("(?s).*master=127\\.0\\.0\\.1:(\\d+).*", "$1");
        assertThat(log1).contains("master=127.0.0.1:" + port0);
        String cuda0 = log0.replaceAll("(?s).*cuda=([0-9,]+).*", "$1");
        String acc0 = log0.replaceAll("(?s).*acc=([0-9,]+).*", "$1");
        assertThat(cuda0).isEqualTo(acc0).matches("\\d+,\\d+");
        JsonNode events = s.call("GET", "/api/v1/jobs/" + id + "/events", acme, null).json().get("items");
        List<String> types = new ArrayList<>();
        events.forEach(e -> types.add(e.get("type").asString()));
        assertThat(types).containsSubsequence("SUBMITTED", "ADMITTED", "RUNNING", "SUCCEEDED");
        // every task's interval was metered and priced in the same transaction that closed it
        JsonNode usage = s.call("GET", "/api/v1/usage?tenant=acme&limit=500", acme, null).json().get("items");
        List<JsonNode> mine = new ArrayList<>();
        usage.forEach(u -> {
            if (u.get("jobId").asLong() == id) {
                mine.add(u);
            }
        });
        assertThat(mine).hasSize(2);
        for (JsonNode u : mine) {
            assertThat(u.get("center").asString()).isEqualTo("cloud");
            assertThat(u.get("accelerator").asString()).isEqualTo("nvidia-a100");
            assertThat(u.get("cardSeconds").asDouble()).isPositive();
            // the demo price of an A100 card-hour is 12.00 CNY; cost is rounded half-even to the fen
            java.math.BigDecimal expected = u.get("cardSeconds").decimalValue().multiply(new java.math.BigDecimal("12"))
                    .divide(new java.math.BigDecimal("3600"), 2, java.math.RoundingMode.HALF_EVEN);
            assertThat(u.get("cost").decimalValue()).isEqualByComparingTo(expected);
        }
    }

    @Test
    void oneFailingTaskStopsTheGangAndTheJobFailsWithTheReason() throws Exception {
        long id = s.submit(acme, TestServer.spec("gangfail", null, 2, "nvidia-a100", 1,
                "[\"sh\", \"-c\", \"if [ $GRID_TASK_INDEX = 1 ]; then exit 7; fi; sleep 300\"]", null));
        JsonNode j = s.await(acme, id, Duration.ofSeconds(30), "FAILED", "SUCCEEDED");
        assertThat(j.get("state").asString()).isEqualTo("FAILED");
        assertThat(j.get("exitCode").asInt()).isEqualTo(7);
        assertThat(j.get("reason").asString()).contains("task 1");
        String events = s.call("GET", "/api/v1/jobs/" + id + "/events", acme, null).body();
        assertThat(events).contains("exited with code 7");
    }

    @Test
    void cancelKillsTheWholeProcessTree() throws Exception {
        long id = s.submit(acme, TestServer.spec("sleeper", null, 1, "nvidia-a100", 1,
                "[\"sh\", \"-c\", \"sleep 300 & echo child=$!; sleep 300\"]", null));
        s.await(acme, id, Duration.ofSeconds(30), "RUNNING");
        long child = awaitChildPid(id);
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).contains(true);
        TestServer.Res r = s.call("POST", "/api/v1/jobs/" + id + "/cancel", acme, "{}");
        assertThat(r.status()).isEqualTo(200);
        JsonNode j = s.await(acme, id, Duration.ofSeconds(30), "CANCELLED", "FAILED", "SUCCEEDED");
        assertThat(j.get("state").asString()).isEqualTo("CANCELLED");
        assertThat(j.get("reason").asString()).as("who cancelled it").startsWith("cancelled by token ");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(s.call("POST", "/api/v1/jobs/" + id + "/cancel", acme, "{}").status()).isEqualTo(409);
    }

    private long awaitChildPid(long id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            String log = s.call("GET", "/api/v1/jobs/" + id + "/logs?task=0", acme, null).body();
            var m = java.util.regex.Pattern.compile("child=(\\d+)").matcher(log);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no child pid in the log");
    }

    @Test
    void fractionsOfOneCardShareItWithoutExceedingIt() throws Exception {
        String spec = "name: half\nresources:\n  accelerator: ascend-910b\n  count: 0.5\n"
                + "command: [\"sh\", \"-c\", \"echo frac=$GRID_ACCELERATOR_FRACTION; sleep 3\"]\n";
        long a = s.submit(acme, spec);
        long b = s.submit(acme, spec);
        JsonNode ja = s.await(acme, a, Duration.ofSeconds(30), "RUNNING");
        JsonNode jb = s.await(acme, b, Duration.ofSeconds(30), "RUNNING");
        String cardA = ja.get("tasks").get(0).get("node").asString() + "#" + ja.get("tasks").get(0).get("cards");
        String cardB = jb.get("tasks").get(0).get("node").asString() + "#" + jb.get("tasks").get(0).get("cards");
        assertThat(cardA).as("two halves pack onto one card").isEqualTo(cardB);
        assertThat(s.await(acme, a, Duration.ofSeconds(30), "SUCCEEDED", "FAILED").get("state").asString())
                .isEqualTo("SUCCEEDED");
        s.await(acme, b, Duration.ofSeconds(30), "SUCCEEDED");
        assertThat(s.call("GET", "/api/v1/jobs/" + a + "/logs", acme, null).body()).contains("frac=0.5");
        Integer over = s.server.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT count(*) FROM card_allocations GROUP BY node, card HAVING sum(milli) > 1000").mapTo(Integer.class)
                .findFirst().orElse(0));
        assertThat(over).isZero();
    }

    @Test
    void higherPriorityPreemptsAndTheVictimResumesFromItsCheckpointDirectory() throws Exception {
        // the edge pool has 2 nodes x 4 ascend-310 cards; a low-priority gang takes all of them
        String low = "name: lowprio\npriority: low\ntasks: 2\nresources:\n  accelerator: ascend-310\n  count: 4\n"
                + "command: [\"sh\", \"-c\", \"echo resume=$GRID_RESUME; touch $GRID_CHECKPOINT_DIR/step; "
                + "if [ $GRID_RESUME = 1 ]; then exit 0; fi; sleep 300\"]\n";
        long victim = s.submit(lab(), low);
        s.await(lab(), victim, Duration.ofSeconds(30), "RUNNING");
        String high = "name: urgent\npriority: high\nresources:\n  accelerator: ascend-310\n  count: 4\n"
                + "command: [\"sh\", \"-c\", \"sleep 1\"]\n";
        long urgent = s.submit(acme, high);
        assertThat(s.await(acme, urgent, Duration.ofSeconds(60), "SUCCEEDED", "FAILED").get("state").asString())
                .isEqualTo("SUCCEEDED");
        JsonNode v = s.await(lab(), victim, Duration.ofSeconds(60), "SUCCEEDED", "FAILED");
        assertThat(v.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(v.get("attempt").asInt()).isGreaterThanOrEqualTo(2);
        String events = s.call("GET", "/api/v1/jobs/" + victim + "/events", lab(), null).body();
        assertThat(events).contains("PREEMPTED").contains("preempted for job " + urgent);
        String log = s.call("GET", "/api/v1/jobs/" + victim + "/logs?task=0", lab(), null).body();
        assertThat(log).contains("resume=0").contains("resume=1");
    }

    private String lab() throws java.io.IOException {
        return s.memberToken("lab");
    }

    @Test
    void maxRuntimeIsEnforced() throws Exception {
        long id = s.submit(acme, TestServer.spec("toolong", null, 1, "ascend-910b", 1, "[\"sleep\", \"300\"]",
                "maxRuntime: 2s\n"));
        JsonNode j = s.await(acme, id, Duration.ofSeconds(30), "FAILED", "SUCCEEDED");
        assertThat(j.get("state").asString()).isEqualTo("FAILED");
        assertThat(j.get("reason").asString()).contains("maxRuntime");
    }

    @Test
    void quotaHoldsBackWorkBeyondNominalPlusBorrowingAndExplainSaysWhy() throws Exception {
        TestServer.Res t = s.call("POST", "/api/v1/tenants", admin,
                "{\"name\": \"tight\", \"quotas\": [{\"accelerator\": \"ascend-310\", \"nominal\": 2, "
                        + "\"borrowingLimit\": 0}]}");
        assertThat(t.status()).as(t.body()).isEqualTo(201);
        assertThat(s.call("POST", "/api/v1/tenants/tight/topup", admin, "{\"amount\": 100}").status()).isEqualTo(200);
        String tight = s.call("POST", "/api/v1/tokens", admin, "{\"tenant\": \"tight\", \"role\": \"member\"}")
                .json().get("token").asString();
        long id = s.submit(tight, TestServer.spec("toobig", null, 1, "ascend-310", 4, "[\"true\"]", null));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode e = null;
        while (System.nanoTime() < deadline) {
            e = s.call("GET", "/api/v1/jobs/" + id + "/explain", tight, null).json();
            if (e.has("waiting")) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(e.get("state").asString()).isEqualTo("PENDING");
        assertThat(e.get("summary").asString()).containsIgnoringCase("quota");
        // raising the quota through the API takes effect without a restart
        TestServer.Res q = s.call("PUT", "/api/v1/tenants/tight/quotas", admin,
                "{\"quotas\": [{\"accelerator\": \"ascend-310\", \"nominal\": 4, \"borrowingLimit\": 0}]}");
        assertThat(q.status()).as(q.body()).isEqualTo(200);
        assertThat(s.await(tight, id, Duration.ofSeconds(30), "SUCCEEDED", "FAILED").get("state").asString())
                .isEqualTo("SUCCEEDED");
    }

    @Test
    void aFinishedJobAndItsLogsSurviveARestartAndARunningJobIsRequeued() throws Exception {
        long done = s.submit(acme, TestServer.spec("before", null, 1, "nvidia-a100", 1, "[\"echo\", \"kept\"]", null));
        s.await(acme, done, Duration.ofSeconds(30), "SUCCEEDED");
        Path marker = dir.resolve("attempts");
        long running = s.submit(acme, TestServer.spec("survivor", null, 1, "nvidia-a100", 1,
                "[\"sh\", \"-c\", \"echo $GRID_RESUME >> " + marker + "; sleep 2; echo finished\"]", null));
        s.await(acme, running, Duration.ofSeconds(30), "RUNNING");
        s.restart();
        JsonNode j = s.await(acme, running, Duration.ofSeconds(60), "SUCCEEDED", "FAILED");
        assertThat(j.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(j.get("attempt").asInt()).isEqualTo(2);
        assertThat(Files.readAllLines(marker)).containsExactly("0", "1");
        String events = s.call("GET", "/api/v1/jobs/" + running + "/events", acme, null).body();
        assertThat(events).contains("LOST");
        assertThat(s.job(acme, done).get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(s.call("GET", "/api/v1/jobs/" + done + "/logs", acme, null).body()).contains("kept");
    }
}
