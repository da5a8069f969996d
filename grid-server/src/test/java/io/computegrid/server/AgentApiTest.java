package io.computegrid.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.server.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The agent protocol and the operators' agent endpoints as an agent and an operator call them over HTTP: every
 * answer checked against the OpenAPI file, reports and log chunks repeated (nothing changes twice), bad input
 * (nothing changes at all), and a silent agent's node leaving scheduling.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentApiTest {
    static final String CONFIG = """
            centers:
              - name: cloud
                pools: [{name: a100, accelerator: nvidia-a100, nodes: 1, acceleratorsPerNode: 8}]
              - name: field
                backend: {type: agent}
              - name: quick
                backend: {type: agent, heartbeatInterval: 200ms, downAfter: 1s}
            tenants:
              - name: acme
                quota: {nvidia-a100: 8, nvidia-t4: 8, nvidia-l40s: 8, nvidia-h100: 8}
            health: {checkInterval: 1s}
            """;
    @TempDir
    static Path dir;
    TestServer s;
    String admin;
    String member;
    OpenApiValidator v;

    @BeforeAll
    void start() throws Exception {
        Path config = dir.resolve("fed.yaml");
        Files.writeString(config, CONFIG);
        s = new TestServer(dir.resolve("data"), config);
        admin = s.adminToken();
        member = s.call("POST", "/api/v1/tokens", admin, "{\"tenant\": \"acme\", \"role\": \"member\"}").json()
                .get("token").asString();
        v = new OpenApiValidator(s.call("GET", "/api/v1/openapi.json", admin, null).body());
    }

    @AfterAll
    void stop() {
        s.close();
    }

    /** Calls and checks the answer against the OpenAPI file (path template, method, expected status). */
    TestServer.Res checked(String method, String template, String path, String token, String body, int status) {
        TestServer.Res r = s.call(method, path, token, body);
        assertThat(r.status()).as(method + " " + path + ": " + r.body()).isEqualTo(status);
        assertThat(v.validate(r.json(), v.responseSchema(template, method, status))).as(method + " " + path).isEmpty();
        return r;
    }

    String joinToken(String center) {
        return checked("POST", "/api/v1/agents/join-tokens", "/api/v1/agents/join-tokens", admin,
                "{\"center\": \"" + center + "\", \"ttl\": \"1h\"}", 201).json().get("token").asString();
    }

    static String registration(String name, String model, String session) {
        return Json.MAPPER.writeValueAsString(Map.of("name", name, "accelerator", model, "cards", 2, "cpuMilli", 4000,
                "memoryMiB", 8192, "address", "127.0.0.9", "portFrom", 40_000, "portTo", 40_049, "session", session,
                "version", "test"));
    }

    /** The agent tables, and the jobs, tasks and events of one job (tests run side by side on one server). */
    String fingerprint(long job) {
        return s.server.database().jdbi().withHandle(h -> h.createQuery("""
                SELECT (SELECT string_agg(name || ':' || status || ':' || session, ',' ORDER BY id) FROM agents) || '/'
                    || (SELECT count(*) FROM agent_join_tokens) || '/'
                    || (SELECT string_agg(id || ':' || type || ':' || (acked_at IS NULL), ',' ORDER BY id) FROM agent_commands)
                    || '/' || (SELECT count(*) FROM agent_tasks) || '/' || (SELECT count(*) FROM agent_log_bases) || '/'
                    || (SELECT count(*) FROM events WHERE job_id = :j) || '/'
                    || COALESCE((SELECT string_agg(state || ':' || COALESCE(exit_code, -1) || ':' || COALESCE(handle, ''), ','
                                 ORDER BY idx) FROM tasks WHERE job_id = :j), '') || '/'
                    || COALESCE((SELECT state || ':' || attempt FROM jobs WHERE id = :j), '')""")
                .bind("j", job).mapTo(String.class).one());
    }

    String fingerprint() {
        return fingerprint(0);
    }

    @Test
    void joinTokensAreForOperatorsAndAgentCentersOnly() {
        JsonNode t = checked("POST", "/api/v1/agents/join-tokens", "/api/v1/agents/join-tokens", admin,
                "{\"center\": \"field\"}", 201).json();
        assertThat(t.get("token").asString()).startsWith("cgj_");
        String before = fingerprint();
        checked("POST", "/api/v1/agents/join-tokens", "/api/v1/agents/join-tokens", admin, "{\"center\": \"cloud\"}", 422);
        checked("POST", "/api/v1/agents/join-tokens", "/api/v1/agents/join-tokens", admin, "{\"center\": \"mars\"}", 422);
        checked("POST", "/api/v1/agents/join-tokens", "/api/v1/agents/join-tokens", admin,
                "{\"center\": \"field\", \"ttl\": \"soon\"}", 400);
        checked("POST", "/api/v1/agents/join-tokens", "/api/v1/agents/join-tokens", admin,
                "{\"center\": \"field\", \"ttl\": \"400d\"}", 400);
        checked("POST", "/api/v1/agents/join-tokens", "/api/v1/agents/join-tokens", member, "{\"center\": \"field\"}", 403);
        checked("POST", "/api/v1/agents/join-tokens", "/api/v1/agents/join-tokens", null, "{\"center\": \"field\"}", 401);
        checked("GET", "/api/v1/agents", "/api/v1/agents", member, null, 403);
        checked("DELETE", "/api/v1/agents/join-tokens/{id}", "/api/v1/agents/join-tokens/424242", admin, null, 404);
        assertThat(fingerprint()).isEqualTo(before);
        checked("DELETE", "/api/v1/agents/join-tokens/{id}", "/api/v1/agents/join-tokens/" + t.get("id").asLong(),
                admin, null, 200);
        TestServer.Res refused = s.call("POST", "/api/v1/agent/register", t.get("token").asString(),
                registration("late", "nvidia-t4", "s0"));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("detail").asString()).contains("revoked");
    }

    @Test
    void anAgentsWholeConversationMatchesTheOpenApiFileAndNothingHappensTwice() throws Exception {
        String session = UUID.randomUUID().toString();
        JsonNode joined = checked("POST", "/api/v1/agent/register", "/api/v1/agent/register", joinToken("field"),
                registration("box1", "nvidia-l40s", session), 201).json();
        String cred = joined.get("credential").asString();
        assertThat(cred).startsWith("cga_");
        assertThat(joined.get("node").asString()).isEqualTo("field-box1");
        assertThat(joined.get("pool").asString()).isEqualTo("nvidia-l40s-x2");
        JsonNode again = checked("POST", "/api/v1/agent/register", "/api/v1/agent/register", cred,
                registration("box1", "nvidia-l40s", session), 200).json();
        assertThat(again.get("credential").isNull()).isTrue();
        String empty = "{\"session\": \"" + session + "\", \"tasks\": [], \"checkpoints\": []}";
        checked("POST", "/api/v1/agent/status", "/api/v1/agent/status", cred, empty, 200);
        checked("POST", "/api/v1/agent/poll", "/api/v1/agent/poll", cred, "{\"ack\": [], \"waitMillis\": 0}", 200);
        awaitNode("field-box1");

        long id = s.submit(member, TestServer.spec("onbox", null, 1, "nvidia-l40s", 2, "[\"sleep\", \"60\"]", null));
        s.await(member, id, Duration.ofSeconds(30), "ADMITTED");
        // the launch waits for the agent, durable, until acknowledged
        JsonNode poll = checked("POST", "/api/v1/agent/poll", "/api/v1/agent/poll", cred,
                "{\"ack\": [], \"waitMillis\": 5000}", 200).json();
        JsonNode launch = poll.get("commands").get(0);
        assertThat(launch.get("type").asString()).isEqualTo("LAUNCH");
        assertThat(launch.get("launch").get("masterAddr").asString()).isEqualTo("127.0.0.9");
        assertThat(launch.get("launch").get("masterPort").asInt()).isBetween(40_000, 40_049);
        assertThat(launch.get("launch").get("gangSize").asInt()).isEqualTo(1);
        JsonNode redelivered = s.call("POST", "/api/v1/agent/poll", cred, "{\"ack\": [], \"waitMillis\": 0}").json();
        assertThat(redelivered.get("commands")).hasSize(1);

        String running = "{\"session\": \"" + session + "\", \"tasks\": [{\"jobId\": " + id + ", \"attempt\": 1, "
                + "\"index\": 0, \"state\": \"RUNNING\", \"handle\": \"pid:4242:77\", \"port\": 0}], \"checkpoints\": []}";
        checked("POST", "/api/v1/agent/status", "/api/v1/agent/status", cred, running, 200);
        assertThat(s.job(member, id).get("state").asString()).isEqualTo("RUNNING");
        s.call("POST", "/api/v1/agent/poll", cred, "{\"ack\": [" + launch.get("id").asLong() + "], \"waitMillis\": 0}");
        String once = fingerprint(id);
        // the same report and the same acknowledgement again (a lost answer, a reconnect): nothing changes
        s.call("POST", "/api/v1/agent/status", cred, running);
        JsonNode afterAck = s.call("POST", "/api/v1/agent/poll", cred, "{\"ack\": [" + launch.get("id").asLong()
                + "], \"waitMillis\": 0}").json();
        assertThat(afterAck.get("commands")).isEmpty();
        assertThat(fingerprint(id)).isEqualTo(once);

        // log chunks: once each, however often they come; an overlap adds only its tail; a gap says where to resume
        String logs = "/api/v1/agent/logs?job=" + id + "&attempt=1&task=0&offset=";
        TestServer.Res first = s.call("POST", logs + "0", cred, "hello\n", "application/octet-stream");
        assertThat(first.status()).isEqualTo(200);
        assertThat(v.validate(first.json(), v.responseSchema("/api/v1/agent/logs", "POST", 200))).isEmpty();
        assertThat(first.json().get("next").asLong()).isEqualTo(6);
        s.call("POST", logs + "0", cred, "hello\n", "application/octet-stream");
        s.call("POST", logs + "3", cred, "lo\nworld\n", "application/octet-stream");
        JsonNode gap = s.call("POST", logs + "100", cred, "lost?\n", "application/octet-stream").json();
        assertThat(gap.get("next").asLong()).isEqualTo(12);
        assertThat(Files.readString(s.server.api().paths().log(id, 0))).isEqualTo("hello\nworld\n");
        assertThat(s.call("GET", "/api/v1/jobs/" + id + "/logs", member, null).body()).isEqualTo("hello\nworld\n");

        JsonNode agents = checked("GET", "/api/v1/agents", "/api/v1/agents?center=field", admin, null, 200).json();
        assertThat(agents.get("items").get(0).get("tasks").get(0).get("jobId").asLong()).isEqualTo(id);

        String exited = running.replace("\"RUNNING\"", "\"EXITED\"").replace("\"port\": 0", "\"port\": 0, \"exitCode\": 0, "
                + "\"reason\": \"exited\"");
        JsonNode reply = checked("POST", "/api/v1/agent/status", "/api/v1/agent/status", cred, exited, 200).json();
        assertThat(reply.get("forget").toString()).contains("\"jobId\":" + id);
        assertThat(s.job(member, id).get("state").asString()).isEqualTo("SUCCEEDED");
        String done = fingerprint(id);
        assertThat(s.call("POST", "/api/v1/agent/status", cred, exited).json().get("forget").toString())
                .contains("\"jobId\":" + id);
        assertThat(fingerprint(id)).isEqualTo(done);
        checked("POST", "/api/v1/agent/leave", "/api/v1/agent/leave", cred,
                "{\"session\": \"" + session + "\", \"reason\": \"test\"}", 200);
        assertThat(s.call("GET", "/api/v1/agents?center=field", admin, null).json().toString()).contains("\"LEFT\"");
    }

    private boolean fieldHasPool(String pool) {
        for (JsonNode c : s.call("GET", "/api/v1/centers", admin, null).json().get("items")) {
            if (c.get("name").asString().equals("field")) {
                for (JsonNode p : c.get("pools")) {
                    if (p.get("name").asString().equals(pool)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Test
    void anOperatorRemovesAnAgentThatLeftForGood() throws Exception {
        String jt = joinToken("field");
        String three = registration("gone1", "nvidia-t4", "g1").replace("\"cards\":2", "\"cards\":3");
        String cred = s.call("POST", "/api/v1/agent/register", jt, three).json().get("credential").asString();
        awaitNode("field-gone1");
        assertThat(fieldHasPool("nvidia-t4-x3")).isTrue();

        String before = fingerprint();
        checked("DELETE", "/api/v1/agents/{node}", "/api/v1/agents/field-gone1", member, null, 403);
        checked("DELETE", "/api/v1/agents/{node}", "/api/v1/agents/field-gone1", null, null, 401);
        checked("DELETE", "/api/v1/agents/{node}", "/api/v1/agents/field-nobody", admin, null, 404);
        TestServer.Res up = checked("DELETE", "/api/v1/agents/{node}", "/api/v1/agents/field-gone1", admin, null, 409);
        assertThat(up.json().get("detail").asString()).contains("gone1").contains("is UP").contains("stop it first");
        assertThat(fingerprint()).isEqualTo(before);

        assertThat(s.call("POST", "/api/v1/agent/leave", cred, "{\"session\": \"g1\", \"reason\": \"decommissioned\"}")
                .status()).isEqualTo(200);
        JsonNode removed = checked("DELETE", "/api/v1/agents/{node}", "/api/v1/agents/field-gone1", admin, null, 200).json();
        assertThat(removed.get("name").asString()).isEqualTo("gone1");
        assertThat(removed.get("center").asString()).isEqualTo("field");
        assertThat(s.call("GET", "/api/v1/agents?center=field", admin, null).body()).doesNotContain("\"gone1\"");
        assertThat(fieldHasPool("nvidia-t4-x3")).as("its pool had no other node").isFalse();
        long nodes = s.server.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT count(*) FROM nodes WHERE name = 'field-gone1'").mapTo(Long.class).one());
        assertThat(nodes).isZero();
        TestServer.Res stale = s.call("POST", "/api/v1/agent/status", cred, "{\"session\": \"g1\", \"tasks\": []}");
        assertThat(stale.status()).isEqualTo(401);
        assertThat(stale.json().get("detail").asString()).contains("removed");
        TestServer.Res restart = s.call("POST", "/api/v1/agent/register", cred, three);
        assertThat(restart.status()).isEqualTo(401);
        assertThat(restart.json().get("detail").asString()).contains("credential").contains("removed");
        checked("DELETE", "/api/v1/agents/{node}", "/api/v1/agents/field-gone1", admin, null, 404);

        // the box may come back: with a join token it is a new agent under the same name
        JsonNode again = checked("POST", "/api/v1/agent/register", "/api/v1/agent/register", jt,
                registration("gone1", "nvidia-t4", "g2").replace("\"cards\":2", "\"cards\":3"), 201).json();
        awaitNode("field-gone1");
        assertThat(fieldHasPool("nvidia-t4-x3")).isTrue();
        s.call("POST", "/api/v1/agent/leave", again.get("credential").asString(), "{\"session\": \"g2\", \"reason\": \"done\"}");
        checked("DELETE", "/api/v1/agents/{node}", "/api/v1/agents/field-gone1", admin, null, 200);
    }

    private long orphansOf(long job) {
        return s.server.database().jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM orphans WHERE job_id = :j")
                .bind("j", job).mapTo(Long.class).one());
    }

    @Test
    void aDeadBoxIsRemovedOnceDownAndItsOrphanedAttemptIsForgotten() throws Exception {
        QuickBox box = runningOnAQuickAgent("dead1", "nvidia-l40s", "on-dead");
        long id = box.job();
        box.dies();
        s.await(member, id, Duration.ofSeconds(30), "PENDING");
        assertThat(orphansOf(id)).as("the attempt waits for its cancel on the dead box").isEqualTo(1L);

        checked("DELETE", "/api/v1/agents/{node}", "/api/v1/agents/quick-dead1", admin, null, 200);
        assertThat(orphansOf(id)).as("nobody is left to cancel it on").isZero();
        assertThat(s.job(member, id).get("state").asString()).as("the job itself waits on").isEqualTo("PENDING");
        s.call("POST", "/api/v1/jobs/" + id + "/cancel", member, "{}");
        s.await(member, id, Duration.ofSeconds(30), "CANCELLED");
    }

    @Test
    void aDrainedAgentTakesNoNewWorkWhileItsRunningTaskGoesOn() throws Exception {
        String session = "s-maint";
        String cred = s.call("POST", "/api/v1/agent/register", joinToken("field"), registration("maint", "nvidia-h100",
                session)).json().get("credential").asString();
        awaitNode("field-maint");
        long running = s.submit(member, TestServer.spec("before", null, 1, "nvidia-h100", 1, "[\"sleep\", \"60\"]", null));
        s.await(member, running, Duration.ofSeconds(30), "ADMITTED");
        long launch = s.call("POST", "/api/v1/agent/poll", cred, "{\"ack\": [], \"waitMillis\": 5000}").json()
                .get("commands").get(0).get("id").asLong();
        s.call("POST", "/api/v1/agent/poll", cred, "{\"ack\": [" + launch + "], \"waitMillis\": 0}");
        String report = "{\"session\": \"" + session + "\", \"tasks\": [{\"jobId\": " + running + ", \"attempt\": 1, "
                + "\"index\": 0, \"state\": \"RUNNING\", \"handle\": \"pid:4545:1\", \"port\": 0}]}";
        s.call("POST", "/api/v1/agent/status", cred, report);

        String before = fingerprint();
        checked("POST", "/api/v1/agents/{node}/drain", "/api/v1/agents/field-maint/drain", member, "{}", 403);
        checked("POST", "/api/v1/agents/{node}/drain", "/api/v1/agents/field-nobody/drain", admin, "{}", 404);
        assertThat(fingerprint()).isEqualTo(before);
        JsonNode drained = checked("POST", "/api/v1/agents/{node}/drain", "/api/v1/agents/field-maint/drain", admin,
                "{}", 200).json();
        assertThat(drained.get("draining").asBoolean()).isTrue();
        assertThat(drained.get("status").asString()).isEqualTo("UP");
        assertThat(drained.get("tasks")).hasSize(1);
        assertThat(nodeSchedulable("field-maint")).isFalse();
        // its heartbeats and a restart of the agent do not undo the drain
        s.call("POST", "/api/v1/agent/status", cred, report);
        assertThat(s.call("POST", "/api/v1/agent/register", cred, registration("maint", "nvidia-h100", session)).status())
                .isEqualTo(200);
        assertThat(nodeSchedulable("field-maint")).isFalse();

        long waiting = s.submit(member, TestServer.spec("during", null, 1, "nvidia-h100", 1, "[\"sleep\", \"60\"]", null));
        Thread.sleep(2_000); // scheduling cycles run every few hundred ms; none may place it
        assertThat(s.job(member, waiting).get("state").asString()).isEqualTo("PENDING");
        assertThat(s.job(member, running).get("state").asString()).as("the running task goes on").isEqualTo("RUNNING");

        JsonNode resumed = checked("POST", "/api/v1/agents/{node}/resume", "/api/v1/agents/field-maint/resume", admin,
                "{}", 200).json();
        assertThat(resumed.get("draining").asBoolean()).isFalse();
        s.await(member, waiting, Duration.ofSeconds(30), "ADMITTED");
        for (long id : new long[]{running, waiting}) {
            s.call("POST", "/api/v1/jobs/" + id + "/cancel", member, "{}");
        }
        s.call("POST", "/api/v1/agent/leave", cred, "{\"session\": \"" + session + "\", \"reason\": \"done\"}");
    }

    private boolean nodeSchedulable(String node) {
        return s.server.database().jdbi().withHandle(h -> h.createQuery("SELECT schedulable FROM nodes WHERE name = :n")
                .bind("n", node).mapTo(Boolean.class).one());
    }

    @Test
    void badAgentCallsAreRefusedAndChangeNothing() {
        String jt = joinToken("field");
        String session = "s-bad";
        String cred = s.call("POST", "/api/v1/agent/register", jt, registration("box2", "nvidia-t4", session)).json()
                .get("credential").asString();
        String before = fingerprint();
        record Bad(String path, String token, String body, int status, String says) {
        }
        for (Bad b : List.of(
                new Bad("/api/v1/agent/register", jt, registration("box3", "nvidia-z9", "x"), 422, "accelerator"),
                new Bad("/api/v1/agent/register", jt, registration("bad name", "nvidia-t4", "x"), 400, "name"),
                new Bad("/api/v1/agent/register", jt, registration("box3", "nvidia-t4", "x").replace("40049", "39000"),
                        400, "portFrom"),
                new Bad("/api/v1/agent/register", jt, "{not json", 400, "body"),
                new Bad("/api/v1/agent/register", jt, registration("box2", "nvidia-t4", "another"), 409, "connected"),
                new Bad("/api/v1/agent/register", "cgj_unknown_join_token_xxxxxxxx", registration("box3", "nvidia-t4", "x"),
                        401, "not a join token of this server"),
                new Bad("/api/v1/agent/register", member, registration("box3", "nvidia-t4", "x"), 403, "user token"),
                new Bad("/api/v1/agent/status", cred, "{\"session\": \"stale\", \"tasks\": []}", 409, "register again"),
                new Bad("/api/v1/agent/status", "cga_forged_credential_xxxxxxxxxxxx", "{}", 401, "credential"),
                new Bad("/api/v1/agent/status", admin, "{}", 403, "user token"),
                new Bad("/api/v1/agent/logs?job=1&attempt=1&task=0", cred, "x", 400, "offset"),
                new Bad("/api/v1/agent/logs?job=987654&attempt=1&task=0&offset=0", cred, "x", 404, "no job"))) {
            TestServer.Res r = s.call("POST", b.path(), b.token(), b.body());
            assertThat(r.status()).as(b.path() + " " + b.body() + " -> " + r.body()).isEqualTo(b.status());
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.json().get("detail").asString()).contains(b.says()).doesNotContain("Exception");
        }
        assertThat(fingerprint()).isEqualTo(before);
        // an agent credential is no user token
        assertThat(s.call("GET", "/api/v1/jobs", cred, null).status()).isEqualTo(401);
        assertThat(s.call("GET", "/api/v1/agents", cred, null).status()).isEqualTo(401);
    }

    @Test
    void aSilentAgentsNodeLeavesSchedulingItsJobIsRequeuedAndItsAttemptCancelledWhenItIsBack() throws Exception {
        QuickBox box = runningOnAQuickAgent("q1", "nvidia-t4", "quiet");
        String cred = box.cred();
        long id = box.job();
        String running = box.running();
        box.dies();
        // silence: after downAfter (1 s) the node takes no work and the job waits again (no other node has it)
        JsonNode pending = s.await(member, id, Duration.ofSeconds(30), "PENDING");
        assertThat(pending.get("reason").asString()).contains("silent");
        assertThat(s.call("GET", "/api/v1/agents?center=quick", admin, null).json().toString()).contains("\"DOWN\"");
        // back: it reports the old attempt as running and is told to kill it
        s.call("POST", "/api/v1/agent/status", cred, running);
        JsonNode cmds = s.call("POST", "/api/v1/agent/poll", cred, "{\"ack\": [], \"waitMillis\": 5000}").json()
                .get("commands");
        JsonNode cancel = null;
        for (JsonNode c : cmds) {
            if (c.get("type").asString().equals("CANCEL") && c.get("jobId").asLong() == id) {
                cancel = c;
            }
        }
        assertThat(cancel).as(cmds.toString()).isNotNull();
        assertThat(cancel.get("attempt").asInt()).isEqualTo(1);
        s.call("POST", "/api/v1/agent/poll", cred, "{\"ack\": [" + cancel.get("id").asLong() + "], \"waitMillis\": 0}");
        JsonNode events = s.call("GET", "/api/v1/jobs/" + id + "/events", member, null).json();
        assertThat(events.toString()).contains("ORPHAN_CANCELLED").contains("LOST");
        assertThat(s.call("GET", "/api/v1/agents?center=quick", admin, null).json().toString()).contains("\"UP\"");
        s.call("POST", "/api/v1/jobs/" + id + "/cancel", member, "{}");
        s.await(member, id, Duration.ofSeconds(30), "CANCELLED");
    }

    /** An agent of the quick center (heartbeat 200 ms, down after 1 s) running one job of acme. */
    record QuickBox(String cred, long job, String running, java.util.concurrent.atomic.AtomicReference<String> beat,
                    Thread heart) {
        /** It falls silent. */
        void dies() throws InterruptedException {
            beat.set(null);
            heart.join();
        }
    }

    private QuickBox runningOnAQuickAgent(String name, String model, String jobName) throws InterruptedException {
        String session = "s-" + name;
        String cred = s.call("POST", "/api/v1/agent/register", joinToken("quick"), registration(name, model, session))
                .json().get("credential").asString();
        var beat = new java.util.concurrent.atomic.AtomicReference<>("{\"session\": \"" + session + "\", \"tasks\": []}");
        Thread heart = heartbeats(cred, beat);
        awaitNode("quick-" + name);
        long id = s.submit(member, TestServer.spec(jobName, null, 1, model, 1, "[\"sleep\", \"60\"]",
                "centers: [quick]\n"));
        s.await(member, id, Duration.ofSeconds(30), "ADMITTED");
        long launch = s.call("POST", "/api/v1/agent/poll", cred, "{\"ack\": [], \"waitMillis\": 5000}").json()
                .get("commands").get(0).get("id").asLong();
        String running = "{\"session\": \"" + session + "\", \"tasks\": [{\"jobId\": " + id + ", \"attempt\": 1, "
                + "\"index\": 0, \"state\": \"RUNNING\", \"handle\": \"pid:4343:" + id + "\", \"port\": 0}]}";
        s.call("POST", "/api/v1/agent/poll", cred, "{\"ack\": [" + launch + "], \"waitMillis\": 0}");
        s.call("POST", "/api/v1/agent/status", cred, running);
        assertThat(s.job(member, id).get("state").asString()).isEqualTo("RUNNING");
        return new QuickBox(cred, id, running, beat, heart);
    }

    /** Sends {@code beat}'s status every 200 ms, as the quick center asks, until it is set to null. */
    private Thread heartbeats(String cred, java.util.concurrent.atomic.AtomicReference<String> beat) {
        Thread heart = new Thread(() -> {
            while (beat.get() != null) {
                s.call("POST", "/api/v1/agent/status", cred, beat.get());
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        heart.setDaemon(true);
        heart.start();
        return heart;
    }

    private void awaitNode(String node) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            long n = s.server.database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT count(*) FROM nodes WHERE name = :n AND schedulable").bind("n", node).mapTo(Long.class).one());
            if (n > 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("node " + node + " never became schedulable");
    }
}
