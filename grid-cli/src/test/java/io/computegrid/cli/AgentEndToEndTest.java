package io.computegrid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A real server and three real {@code grid agent} processes on loopback: joining, a gang over two agents that
 * meets for real, logs while a task runs, cancel, metering, and what the CLI says about tokens and servers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentEndToEndTest {
    @TempDir
    static Path dir;
    AgentCluster c;

    @BeforeAll
    void start() throws Exception {
        c = new AgentCluster(dir).agents(3, false);
    }

    @AfterAll
    void stop() throws Exception {
        c.close();
    }

    @Test
    void agentsJoinAndAreTheNodesAndPoolOfTheirCenter() {
        JsonNode agents = c.cli("agents", "-o", "json");
        assertThat(agents).hasSize(3);
        for (JsonNode a : agents) {
            assertThat(a.get("center").asString()).isEqualTo("field");
            assertThat(a.get("status").asString()).isEqualTo("UP");
            assertThat(a.get("node").asString()).isEqualTo("field-" + a.get("name").asString());
            assertThat(a.get("cards").asInt()).isEqualTo(2);
            assertThat(a.get("address").asString()).startsWith("127.0.0.");
            assertThat(a.get("secondsSinceHeartbeat").asDouble()).isLessThan(5);
        }
        JsonNode field = null;
        for (JsonNode ce : c.cli("centers", "-o", "json")) {
            if (ce.get("name").asString().equals("field")) {
                field = ce;
            }
        }
        assertThat(field).isNotNull();
        assertThat(field.get("backend").asString()).isEqualTo("agent");
        JsonNode pool = field.get("pools").get(0);
        assertThat(pool.get("name").asString()).isEqualTo("nvidia-t4-x2");
        assertThat(pool.get("nodes").asInt()).isEqualTo(3);
        assertThat(pool.get("cards").asInt()).isEqualTo(6);
        assertThat(Cli.run(c.auth("centers")).out()).contains("field").contains("nvidia-t4-x2").contains("3x2");
        assertThat(Cli.run(c.auth("agents")).out()).contains("a1").contains("127.0.0.2").contains("UP");
    }

    @Test
    void aGangOverTwoAgentsMeetsAtTaskZerosAgent() throws Exception {
        String spec = "name: gang\ntenant: acme\ntasks: 2\nmaxRuntime: 5m\n"
                + "resources: {accelerator: nvidia-t4, count: 2, cpu: 1, memory: 256Mi}\n"
                + "command: " + ApiClient.JSON.writeValueAsString(AgentTasks.command("rendezvous")) + "\n";
        long id = c.submit(spec);
        JsonNode j = c.awaitState(id, "SUCCEEDED", "FAILED");
        assertThat(j.get("state").asString()).as(c.api().getText("/api/v1/jobs/" + id + "/logs")).isEqualTo("SUCCEEDED");
        String node0 = j.get("tasks").get(0).get("node").asString();
        String node1 = j.get("tasks").get(1).get("node").asString();
        assertThat(node0).isNotEqualTo(node1);
        AgentProcess master = c.agent(node0);
        String log0 = Cli.run(c.auth("logs", Long.toString(id), "--task", "0")).out();
        String log1 = Cli.run(c.auth("logs", Long.toString(id), "--task", "1")).out();
        Matcher m0 = Pattern.compile("task 0 of 2 on (\\S+) meets at (\\S+):(\\d+)").matcher(log0);
        Matcher m1 = Pattern.compile("task 1 of 2 on (\\S+) meets at (\\S+):(\\d+)").matcher(log1);
        assertThat(m0.find()).as(log0).isTrue();
        assertThat(m1.find()).as(log1).isTrue();
        assertThat(m0.group(2)).isEqualTo(master.address).isEqualTo(m1.group(2));
        assertThat(m0.group(3)).isEqualTo(m1.group(3));
        assertThat(Integer.parseInt(m0.group(3))).isBetween(master.portFrom, master.portTo);
        assertThat(log0).contains("task 0 heard: hello from task 1 on " + node1);
        assertThat(log1).contains("task 1 reached the master");
    }

    @Test
    void logsStreamWhileTheTaskRuns() throws Exception {
        long id = c.submit("name: chatty\ntenant: acme\nmaxRuntime: 5m\n"
                + "resources: {accelerator: nvidia-t4, count: 1, cpu: 1, memory: 256Mi}\n"
                + "command: [\"sh\", \"-c\", \"for i in $(seq 1 20); do echo line $i at $(date +%s%3N); sleep 0.2; done\"]\n");
        c.awaitState(id, "RUNNING", "SUCCEEDED");
        HttpResponse<java.io.InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(c.server.url() + "/api/v1/jobs/" + id + "/logs?follow=true"))
                .header("Authorization", "Bearer " + c.admin).build(), HttpResponse.BodyHandlers.ofInputStream());
        List<long[]> seen = new ArrayList<>(); // line number, written at (task clock), seen at
        String firstStateSeen = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            Pattern p = Pattern.compile("line (\\d+) at (\\d+)");
            while ((line = in.readLine()) != null) {
                Matcher m = p.matcher(line);
                if (m.find()) {
                    seen.add(new long[]{Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), System.currentTimeMillis()});
                    if (firstStateSeen == null) {
                        firstStateSeen = c.job(id).get("state").asString();
                    }
                }
            }
        }
        assertThat(seen).hasSize(20);
        // lines arrive while the task is still writing: the first well before the last was written
        assertThat(firstStateSeen).isEqualTo("RUNNING");
        assertThat(seen.get(0)[2]).isLessThan(seen.get(19)[1]);
        List<Long> delays = seen.stream().map(s -> s[2] - s[1]).sorted().toList();
        System.out.printf("agent log delay over %d lines: p50 %d ms, max %d ms%n", delays.size(),
                delays.get(delays.size() / 2), delays.get(delays.size() - 1));
        assertThat(c.awaitState(id, "SUCCEEDED").get("state").asString()).isEqualTo("SUCCEEDED");
        String all = Cli.run(c.auth("logs", Long.toString(id), "--follow")).out();
        assertThat(all).contains("line 1 at").contains("line 20 at").contains("--- attempt 1: exited (exit 0) ---");
    }

    @Test
    void cancelKillsTheTasksWholeProcessTreeOnTheAgent() throws Exception {
        long id = c.submit("name: tree\ntenant: acme\nmaxRuntime: 5m\n"
                + "resources: {accelerator: nvidia-t4, count: 1, cpu: 1, memory: 256Mi}\n"
                + "command: [\"sh\", \"-c\", \"sleep 300 & echo root=$$ child=$!; wait\"]\n");
        c.awaitState(id, "RUNNING");
        long[] pids = new long[2];
        AgentCluster.await(() -> {
            Matcher m = Pattern.compile("root=(\\d+) child=(\\d+)").matcher(c.api().getText("/api/v1/jobs/" + id + "/logs"));
            if (!m.find()) {
                return false;
            }
            pids[0] = Long.parseLong(m.group(1));
            pids[1] = Long.parseLong(m.group(2));
            return true;
        }, "the task's pids in its log");
        assertThat(AgentCluster.alive(pids[0])).isTrue();
        assertThat(AgentCluster.alive(pids[1])).isTrue();
        Cli.Result cancel = Cli.run(c.auth("cancel", Long.toString(id)));
        assertThat(cancel.exit()).as(cancel.err()).isZero();
        JsonNode j = c.awaitState(id, "CANCELLED");
        assertThat(j.get("tasks").get(0).get("reason").asString()).startsWith("killed: cancelled");
        AgentCluster.await(() -> !AgentCluster.alive(pids[0]) && !AgentCluster.alive(pids[1]), "the process tree gone");
        AgentCluster.await(() -> c.api().get("/api/v1/agents").get("items").findValues("tasks").stream()
                .allMatch(JsonNode::isEmpty), "no agent reports a task");
    }

    @Test
    void agentRunTimeIsMeteredAndPricedLikeLocalRunTime() {
        long id = c.submit("name: metered\ntenant: acme\nmaxRuntime: 5m\n"
                + "resources: {accelerator: nvidia-t4, count: 2, cpu: 1, memory: 256Mi}\n"
                + "command: [\"sleep\", \"2\"]\n");
        c.awaitState(id, "SUCCEEDED");
        JsonNode usage = c.cli("usage", "--tenant", "acme", "--job", Long.toString(id), "-o", "json");
        assertThat(usage).isNotEmpty();
        double cardSeconds = 0;
        double cost = 0;
        for (JsonNode u : usage) {
            assertThat(u.get("center").asString()).isEqualTo("field");
            assertThat(u.get("accelerator").asString()).isEqualTo("nvidia-t4");
            cardSeconds += u.get("cardSeconds").asDouble();
            cost += u.get("cost").asDouble();
        }
        // 2 cards for about 2 s, at 360 per card-hour (0.1 per card-second)
        assertThat(cardSeconds).isBetween(3.0, 8.0);
        assertThat(cost).isBetween(0.3, 0.8);
    }

    @Test
    void launchLatencyThroughAnAgentAgainstTheLocalBackend() {
        List<Long> agent = new ArrayList<>();
        List<Long> local = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            agent.add(startLatency("nvidia-t4", "field"));
            local.add(startLatency("nvidia-a100", "cloud"));
        }
        agent.sort(null);
        local.sort(null);
        System.out.printf("admitted -> RUNNING over 5 jobs: agent p50 %d ms (max %d), local p50 %d ms (max %d)%n",
                agent.get(2), agent.get(4), local.get(2), local.get(4));
        assertThat(agent).hasSize(5).allMatch(ms -> ms >= 0);
        assertThat(local).hasSize(5).allMatch(ms -> ms >= 0);
    }

    /** Admitted to RUNNING of a one-task job of {@code model}, which must have run on {@code center}. */
    private long startLatency(String model, String center) {
        long id = c.submit("name: quick\ntenant: acme\nmaxRuntime: 5m\n"
                + "resources: {accelerator: " + model + ", count: 1, cpu: 1, memory: 256Mi}\ncommand: [\"true\"]\n");
        assertThat(c.awaitState(id, "SUCCEEDED").get("center").asString()).isEqualTo(center);
        java.time.Instant admitted = null;
        java.time.Instant running = null;
        JsonNode e = c.api().get("/api/v1/jobs/" + id + "/events");
        for (JsonNode x : e.has("items") ? e.get("items") : e) {
            java.time.Instant at = java.time.Instant.parse(x.get("at").asString());
            if (x.get("type").asString().equals("ADMITTED")) {
                admitted = at;
            } else if (x.get("type").asString().equals("RUNNING")) {
                running = at;
            }
        }
        return Duration.between(admitted, running).toMillis();
    }
}
