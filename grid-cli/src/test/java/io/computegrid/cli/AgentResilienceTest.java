package io.computegrid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * What survives what: a real server process restarted under running agent tasks (SIGTERM, then SIGKILL), partitions
 * between an agent and the server made with a loopback proxy (shorter than downAfter: nothing changes; longer: the
 * job is requeued elsewhere and the orphan is killed when the agent is back), and an agent stopping or restarting.
 * The agent center's heartbeat is 500 ms and an agent is down after 10 s of silence.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentResilienceTest {
    @TempDir
    static Path dir;
    AgentCluster c;

    @BeforeAll
    void start() throws Exception {
        c = new AgentCluster(dir).agents(3, true);
    }

    @AfterAll
    void stop() throws Exception {
        c.close();
    }

    /** Submits a waiter; returns its job id once it runs, with its one mark ("attempt pid"). */
    private long runningWaiter(String name, Path marks, Path go, int exit) throws Exception {
        long id = c.submit(AgentCluster.waiter(name, marks, go, exit));
        c.awaitState(id, "RUNNING");
        c.awaitOrExplain(() -> {
            try {
                return AgentCluster.marks(marks).size() >= 1;
            } catch (java.io.IOException e) {
                return false;
            }
        }, "the task's mark");
        assertThat(AgentCluster.marks(marks)).as("started once: %s", c.events(id)).hasSize(1);
        return id;
    }

    private void restartKeepsTheTaskAndRecordsItsRealExit(boolean kill) throws Exception {
        Path marks = dir.resolve("restart-" + kill + ".marks");
        Path go = dir.resolve("restart-" + kill + ".go");
        long id = runningWaiter("restart", marks, go, 7);
        long pid = Long.parseLong(AgentCluster.marks(marks).get(0)[1]);
        if (kill) {
            c.server.kill();
        } else {
            assertThat(c.server.stop()).isIn(0, 143);
        }
        assertThat(AgentCluster.alive(pid)).as("the task outlives its server").isTrue();
        c.server.start();
        c.awaitOrExplain(() -> c.upAgents() == 3, "agents back");
        JsonNode j = c.job(id);
        assertThat(j.get("state").asString()).isEqualTo("RUNNING");
        assertThat(j.get("attempt").asInt()).isEqualTo(1);
        assertThat(AgentCluster.alive(pid)).isTrue();
        Files.writeString(go, "go");
        j = c.awaitState(id, "FAILED", "SUCCEEDED");
        assertThat(j.get("state").asString()).isEqualTo("FAILED");
        assertThat(j.get("exitCode").asInt()).isEqualTo(7);
        assertThat(j.get("attempt").asInt()).isEqualTo(1);
        assertThat(j.get("reason").asString()).contains("exited with code 7");
        assertThat(AgentCluster.marks(marks)).as("started once").hasSize(1);
        assertThat(c.events(id)).noneMatch(e -> e.startsWith("LOST"));
        assertThat(c.api().getText("/api/v1/jobs/" + id + "/logs")).contains("waiting").contains("finishing")
                .contains("--- attempt 1: exited with code 7 (exit 7) ---");
    }

    @Test
    void aServerStoppedWithSigtermFindsTheTaskStillRunning() throws Exception {
        restartKeepsTheTaskAndRecordsItsRealExit(false);
    }

    @Test
    void aServerKilledWithSigkillFindsTheTaskStillRunning() throws Exception {
        restartKeepsTheTaskAndRecordsItsRealExit(true);
    }

    @Test
    void aPartitionShorterThanDownAfterChangesNothing() throws Exception {
        Path marks = dir.resolve("short.marks");
        Path go = dir.resolve("short.go");
        long id = runningWaiter("short", marks, go, 0);
        AgentProcess a = c.agent(c.job(id).get("tasks").get(0).get("node").asString());
        TcpProxy p = c.proxyOf(a);
        p.cut();
        // several heartbeats long (but well short of downAfter); the task ends while the agent cannot tell anyone
        Thread.sleep(3_000);
        Files.writeString(go, "go");
        long pid = Long.parseLong(AgentCluster.marks(marks).get(0)[1]);
        AgentCluster.await(() -> !AgentCluster.alive(pid), "the task's end, unreported");
        assertThat(c.job(id).get("state").asString()).isEqualTo("RUNNING");
        p.heal();
        JsonNode j = c.awaitState(id, "SUCCEEDED", "FAILED", "PENDING");
        assertThat(j.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(j.get("attempt").asInt()).isEqualTo(1);
        assertThat(AgentCluster.marks(marks)).hasSize(1);
        assertThat(c.events(id)).noneMatch(e -> e.startsWith("LOST"));
        assertThat(a.output()).contains("cannot reach the server").contains("again after");
    }

    @Test
    void aPartitionLongerThanDownAfterRequeuesElsewhereAndKillsTheOrphanOnReturn() throws Exception {
        Path marks = dir.resolve("long.marks");
        Path go = dir.resolve("long.go");
        long id = runningWaiter("long", marks, go, 0);
        String node = c.job(id).get("tasks").get(0).get("node").asString();
        AgentProcess a = c.agent(node);
        long orphan = Long.parseLong(AgentCluster.marks(marks).get(0)[1]);
        c.proxyOf(a).cut();
        JsonNode j = c.awaitState(id, "RUNNING");
        c.awaitOrExplain(() -> c.job(id).get("attempt").asInt() == 2
                && "RUNNING".equals(c.job(id).get("state").asString()), "the job running again elsewhere");
        j = c.job(id);
        assertThat(j.get("tasks").get(0).get("node").asString()).isNotEqualTo(node);
        assertThat(c.events(id)).anyMatch(e -> e.startsWith("LOST") && e.contains("silent"));
        assertThat(AgentCluster.alive(orphan)).as("the agent cannot be told yet").isTrue();
        JsonNode lost = c.api().get("/api/v1/agents").get("items");
        assertThat(lost.toString()).contains("\"DOWN\"");
        c.proxyOf(a).heal();
        AgentCluster.await(() -> !AgentCluster.alive(orphan), "the orphan killed once its agent is back");
        AgentCluster.await(() -> c.upAgents() == 3, "the agent UP again");
        AgentCluster.await(() -> c.events(id).stream().anyMatch(e -> e.startsWith("ORPHAN_CANCELLED")), "the event");
        // one live copy of the job at any time after the heal: attempt 2 only
        List<String[]> m = AgentCluster.marks(marks);
        assertThat(m).hasSize(2);
        assertThat(m.get(1)[0]).isEqualTo("2");
        assertThat(AgentCluster.alive(Long.parseLong(m.get(1)[1]))).isTrue();
        Files.writeString(go, "go");
        j = c.awaitState(id, "SUCCEEDED", "FAILED");
        assertThat(j.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(j.get("attempt").asInt()).isEqualTo(2);
        String log = c.api().getText("/api/v1/jobs/" + id + "/logs");
        assertThat(log).contains("--- attempt 2: exited (exit 0) ---").doesNotContain("attempt 1: killed");
    }

    @Test
    void anAgentStoppedWithSigtermStopsItsTasksAndItsJobsAreRequeuedAtOnce() throws Exception {
        Path marks = dir.resolve("leave.marks");
        Path go = dir.resolve("leave.go");
        long id = runningWaiter("leave", marks, go, 0);
        String node = c.job(id).get("tasks").get(0).get("node").asString();
        AgentProcess a = c.agent(node);
        long pid = Long.parseLong(AgentCluster.marks(marks).get(0)[1]);
        assertThat(a.stop()).isIn(0, 143);
        assertThat(AgentCluster.alive(pid)).as("its task was stopped with it").isFalse();
        c.awaitOrExplain(() -> c.job(id).get("attempt").asInt() == 2, "the job requeued and placed again");
        // told by the agent, not found silent after downAfter
        assertThat(c.events(id)).anyMatch(e -> e.startsWith("LOST") && e.contains("stopped"))
                .noneMatch(e -> e.contains("silent"));
        assertThat(a.output()).contains("stopped; its tasks were stopped");
        // the agent comes back with its credential (no join token needed) and takes work again
        AgentProcess back = new AgentProcess(dir, a.name, a.address, a.portFrom, c.proxyOf(a).url(), null, 2);
        c.agents.set(c.agents.indexOf(a), back);
        back.start();
        c.awaitOrExplain(() -> c.upAgents() == 3, "the agent back");
        Files.writeString(go, "go");
        assertThat(c.awaitState(id, "SUCCEEDED", "FAILED").get("state").asString()).isEqualTo("SUCCEEDED");
    }
}
