package io.computegrid.server.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.agent.Agent;
import io.computegrid.agent.AgentOptions;
import io.computegrid.agentapi.AgentApi.TaskReport;
import io.computegrid.backend.Backend;
import io.computegrid.backend.BackendListener;
import io.computegrid.backend.LaunchRequest;
import io.computegrid.backend.TaskLaunch;
import io.computegrid.backend.local.LocalBackendOptions.PortRange;
import io.computegrid.server.TestServer;
import io.computegrid.server.api.Json;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Serving tasks on agents, as inference replicas use them: the agent's local backend picks the port from the
 * agent's range, the task listens there, and the server hears the endpoint at the address the agent advertises,
 * before it hears that the task started. A real server and a real agent (in this JVM) on loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentServingTest {
    static final String ADDRESS = "127.0.0.5";
    static final PortRange PORTS = new PortRange(41_000, 41_019);
    @TempDir
    static Path dir;
    TestServer s;
    String admin;
    Agent agent;
    Thread agentThread;

    @BeforeAll
    void start() throws Exception {
        Path config = dir.resolve("fed.yaml");
        Files.writeString(config, """
                centers:
                  - name: field
                    backend: {type: agent, heartbeatInterval: 200ms, downAfter: 10s}
                prices:
                  entries:
                    - {center: field, model: nvidia-t4, onDemand: 3.60}
                tenants:
                  - name: acme
                    quota: {nvidia-t4: 8}
                """);
        s = new TestServer(dir.resolve("data"), config);
        admin = s.adminToken();
        String join = s.call("POST", "/api/v1/agents/join-tokens", admin, "{\"center\": \"field\"}").json().get("token")
                .asString();
        PrintStream quiet = new PrintStream(Files.newOutputStream(dir.resolve("agent.log")), true);
        agent = new Agent(new AgentOptions(List.of(URI.create(s.url())), join, "s1", "nvidia-t4", 2, 4000, 8192,
                dir.resolve("agent-work"), ADDRESS, PORTS, Duration.ofSeconds(1)), quiet, quiet);
        agentThread = new Thread(() -> {
            try {
                agent.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "test-agent");
        agentThread.setDaemon(true);
        agentThread.start();
        awaitTrue(() -> s.call("GET", "/api/v1/agents", admin, null).json().toString().contains("\"UP\"")
                && nodeSchedulable(), "the agent's node");
    }

    @AfterAll
    void stop() throws Exception {
        agent.stop();
        agentThread.join(30_000);
        s.close();
    }

    private boolean nodeSchedulable() {
        return s.server.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT count(*) FROM nodes WHERE name = 'field-s1' AND schedulable").mapTo(Long.class).one()) > 0;
    }

    /** A job placed on the agent's card, as the scheduling loop's commit leaves it (ADMITTED, task STARTING). */
    private long placed(String name, int card) {
        String spec = Json.MAPPER.writeValueAsString(Map.of("name", name, "tenant", "acme", "resources",
                Map.of("accelerator", "nvidia-t4", "count", 1), "command", List.of("serve")));
        return s.server.database().jdbi().inTransaction(h -> {
            long id = h.createQuery("""
                            INSERT INTO jobs(tenant, name, spec, state, priority_class, priority, center, pool, accelerator,
                                attempt, started_at) VALUES ('acme', :n, CAST(:s AS jsonb), 'ADMITTED', 'normal', 100,
                                'field', 'nvidia-t4-x2', 'nvidia-t4', 1, NULL) RETURNING id""")
                    .bind("n", name).bind("s", spec).mapTo(Long.class).one();
            h.createUpdate("""
                    INSERT INTO tasks(job_id, attempt, idx, node, cards, milli_per_card, cpu_milli, memory_mib, state)
                    VALUES (:j, 1, 0, 'field-s1', :c, 1000, 1000, 256, 'STARTING')""").bind("j", id)
                    .bind("c", Integer.toString(card)).execute();
            h.createUpdate("INSERT INTO card_allocations(node, card, job_id, milli) VALUES ('field-s1', :c, :j, 1000)")
                    .bind("c", card).bind("j", id).execute();
            return id;
        });
    }

    @Test
    void aServingTaskListensOnAPortOfTheAgentsRangeAndIsReachedAtTheAgentsAddress() throws Exception {
        long id = placed("replica", 0);
        Backend field = s.server.api().backends().get("field").orElseThrow();
        // what a service replica's launch looks like (the services controller sets exposePort)
        field.launch(new LaunchRequest(id, 1, "replica", "acme", "field", "nvidia-t4-x2", "nvidia-t4",
                "CUDA_VISIBLE_DEVICES", List.of(new TaskLaunch(0, "field-s1", new int[]{0}, 1000)), ServeTask.command(),
                Map.of(), null, 1000, 256, s.server.api().paths().logDir(id), s.server.api().paths().checkpointDir(id),
                false, true));
        s.await(admin, id, Duration.ofSeconds(60), "RUNNING");
        int[] port = new int[1];
        awaitTrue(() -> {
            JsonNode t = s.call("GET", "/api/v1/agents?center=field", admin, null).json().get("items").get(0).get("tasks");
            if (t.isEmpty() || t.get(0).get("port").isNull()) {
                return false;
            }
            port[0] = t.get(0).get("port").asInt();
            return true;
        }, "the endpoint reported");
        assertThat(PORTS.contains(port[0])).as("port %d in %s", port[0], PORTS).isTrue();
        HttpClient http = HttpClient.newHttpClient();
        String[] answer = new String[1];
        awaitTrue(() -> {
            try {
                answer[0] = http.send(HttpRequest.newBuilder(URI.create("http://" + ADDRESS + ":" + port[0] + "/")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                return true;
            } catch (Exception notYet) {
                return false;
            }
        }, "the replica answering at the agent's address");
        assertThat(answer[0]).isEqualTo("replica 0 of job " + id + " on field-s1 at " + ADDRESS);
        assertThat(s.call("POST", "/api/v1/jobs/" + id + "/cancel", admin, "{}").status()).isEqualTo(200);
        s.await(admin, id, Duration.ofSeconds(30), "CANCELLED");
    }

    @Test
    void aCheckpointWrittenOnTheAgentReachesTheServer() throws Exception {
        long id = placed("checkpointing", 0);
        Backend field = s.server.api().backends().get("field").orElseThrow();
        field.launch(new LaunchRequest(id, 1, "checkpointing", "acme", "field", "nvidia-t4-x2", "nvidia-t4",
                "CUDA_VISIBLE_DEVICES", List.of(new TaskLaunch(0, "field-s1", new int[]{0}, 1000)),
                List.of("sh", "-c", "sleep 0.3; echo step > \"$GRID_CHECKPOINT_DIR/step-1\"; echo $GRID_CHECKPOINT_DIR; sleep 60"),
                Map.of(), null, 1000, 256, s.server.api().paths().logDir(id), s.server.api().paths().checkpointDir(id),
                false));
        awaitTrue(() -> s.server.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT last_checkpoint_at IS NOT NULL FROM jobs WHERE id = :j").bind("j", id).mapTo(Boolean.class).one()),
                "the checkpoint noted on the server");
        // the checkpoint directory is the agent's own
        assertThat(dir.resolve("agent-work").resolve("jobs").resolve(Long.toString(id)).resolve("checkpoint")
                .resolve("step-1")).exists();
        assertThat(s.call("POST", "/api/v1/jobs/" + id + "/cancel", admin, "{}").status()).isEqualTo(200);
        s.await(admin, id, Duration.ofSeconds(30), "CANCELLED");
    }

    /** Records the runtime's calls, and passes each on to the server's runtime. */
    static final class Recording implements BackendListener {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final BackendListener next;

        Recording(BackendListener next) {
            this.next = next;
        }

        @Override
        public void taskStarted(long jobId, int attempt, int taskIndex, String handle) {
            calls.add("started " + jobId + "/" + taskIndex + " " + handle);
            next.taskStarted(jobId, attempt, taskIndex, handle);
        }

        @Override
        public void taskExited(long jobId, int attempt, int taskIndex, int exitCode, String reason) {
            calls.add("exited " + jobId + "/" + taskIndex + " " + exitCode);
            next.taskExited(jobId, attempt, taskIndex, exitCode, reason);
        }

        @Override
        public void taskEndpoint(long jobId, int attempt, int taskIndex, String host, int port) {
            calls.add("endpoint " + jobId + "/" + taskIndex + " " + host + ":" + port);
            next.taskEndpoint(jobId, attempt, taskIndex, host, port);
        }
    }

    @Test
    void theAgentsPoolShowsThePriceBooksPriceNotAZeroListPrice() {
        JsonNode centers = s.call("GET", "/api/v1/centers", admin, null).json().get("items");
        JsonNode pool = null;
        for (JsonNode c : centers) {
            if (c.get("name").asString().equals("field")) {
                pool = c.get("pools").get(0);
            }
        }
        assertThat(pool).as("field's pool in %s", centers).isNotNull();
        assertThat(pool.get("accelerator").asString()).isEqualTo("nvidia-t4");
        assertThat(pool.get("pricePerCardHour").decimalValue()).as("an agent's pool has no list price").isZero();
        assertThat(pool.get("onDemandPerCardHour").decimalValue()).isEqualByComparingTo("3.60");
        assertThat(pool.get("priceBasis").asString()).contains("field").contains("nvidia-t4");
    }

    @Test
    void theEndpointComesBeforeTheStartAndARepeatedReportCallsNothingAgain() {
        long id = placed("ordered", 1);
        Recording rec = new Recording(s.server.runtime());
        AgentReports reports = new AgentReports(s.server.database().jdbi(), rec);
        AgentRow row = new AgentStore(s.server.database().jdbi()).ofCenter("field").get(0);
        List<TaskReport> running = List.of(new TaskReport(id, 1, 0, "RUNNING", "pid:99:1", null, null, 41_007));
        reports.apply(row, running, List.of(), null);
        assertThat(rec.calls).containsExactly("endpoint " + id + "/0 " + ADDRESS + ":41007",
                "started " + id + "/0 pid:99:1@s1");
        reports.apply(row, running, List.of(), null);
        assertThat(rec.calls).hasSize(2);
        List<TaskReport> exited = List.of(new TaskReport(id, 1, 0, "EXITED", "pid:99:1", 0, "exited", 41_007));
        assertThat(reports.apply(row, exited, List.of(), null)).hasSize(1);
        assertThat(reports.apply(row, exited, List.of(), null)).hasSize(1);
        assertThat(rec.calls).containsExactly("endpoint " + id + "/0 " + ADDRESS + ":41007",
                "started " + id + "/0 pid:99:1@s1", "exited " + id + "/0 0");
        assertThat(s.job(admin, id).get("state").asString()).isEqualTo("SUCCEEDED");
    }

    private static void awaitTrue(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
