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

    /** A waiter job running on an agent: its id, agent, task pid, and the files it marks and waits for. */
    record Waiter(long id, AgentProcess agent, long pid, Path marks, Path go) {
        List<String[]> marked() throws java.io.IOException {
            return AgentCluster.marks(marks);
        }

        void release() throws java.io.IOException {
            Files.writeString(go, "go");
        }
    }

    /** Submits a waiter that ends with {@code exit}; returns once it runs, with its one mark ("attempt pid"). */
    private Waiter runningWaiter(String name, int exit) throws Exception {
        Path marks = dir.resolve(name + ".marks");
        Path go = dir.resolve(name + ".go");
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
        AgentProcess agent = c.agent(c.job(id).get("tasks").get(0).get("node").asString());
        return new Waiter(id, agent, Long.parseLong(AgentCluster.marks(marks).get(0)[1]), marks, go);
    }

    private void restartKeepsTheTaskAndRecordsItsRealExit(boolean kill) throws Exception {
        Waiter w = runningWaiter("restart-" + kill, 7);
        long id = w.id();
        long pid = w.pid();
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
        w.release();
        j = c.awaitState(id, "FAILED", "SUCCEEDED");
        assertThat(j.get("state").asString()).isEqualTo("FAILED");
        assertThat(j.get("exitCode").asInt()).isEqualTo(7);
        assertThat(j.get("attempt").asInt()).isEqualTo(1);
        assertThat(j.get("reason").asString()).contains("exited with code 7");
        assertThat(w.marked()).as("started once").hasSize(1);
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
        Waiter w = runningWaiter("short", 0);
        long id = w.id();
        TcpProxy p = c.proxyOf(w.agent());
        p.cut();
        // several heartbeats long (but well short of downAfter); the task ends while the agent cannot tell anyone
        Thread.sleep(3_000);
        w.release();
        AgentCluster.await(() -> !AgentCluster.alive(w.pid()), "the task's end, unreported");
        assertThat(c.job(id).get("state").asString()).isEqualTo("RUNNING");
        p.heal();
        JsonNode j = c.awaitState(id, "SUCCEEDED", "FAILED", "PENDING");
        assertThat(j.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(j.get("attempt").asInt()).isEqualTo(1);
        assertThat(w.marked()).hasSize(1);
        assertThat(c.events(id)).noneMatch(e -> e.startsWith("LOST"));
        assertThat(w.agent().output()).contains("cannot reach the server").contains("again after");
    }

    @Test
    void aPartitionLongerThanDownAfterRequeuesElsewhereAndKillsTheOrphanOnReturn() throws Exception {
        Waiter w = runningWaiter("long", 0);
        long id = w.id();
        String node = "field-" + w.agent().name;
        long orphan = w.pid();
        c.proxyOf(w.agent()).cut();
        c.awaitOrExplain(() -> c.job(id).get("attempt").asInt() == 2
                && "RUNNING".equals(c.job(id).get("state").asString()), "the job running again elsewhere");
        JsonNode j = c.job(id);
        assertThat(j.get("tasks").get(0).get("node").asString()).isNotEqualTo(node);
        assertThat(c.events(id)).anyMatch(e -> e.startsWith("LOST") && e.contains("silent"));
        assertThat(AgentCluster.alive(orphan)).as("the agent cannot be told yet").isTrue();
        JsonNode lost = c.api().get("/api/v1/agents").get("items");
        assertThat(lost.toString()).contains("\"DOWN\"");
        c.proxyOf(w.agent()).heal();
        AgentCluster.await(() -> !AgentCluster.alive(orphan), "the orphan killed once its agent is back");
        AgentCluster.await(() -> c.upAgents() == 3, "the agent UP again");
        AgentCluster.await(() -> c.events(id).stream().anyMatch(e -> e.startsWith("ORPHAN_CANCELLED")), "the event");
        // one live copy of the job at any time after the heal: attempt 2 only
        List<String[]> m = w.marked();
        assertThat(m).hasSize(2);
        assertThat(m.get(1)[0]).isEqualTo("2");
        assertThat(AgentCluster.alive(Long.parseLong(m.get(1)[1]))).isTrue();
        w.release();
        j = c.awaitState(id, "SUCCEEDED", "FAILED");
        assertThat(j.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(j.get("attempt").asInt()).isEqualTo(2);
        String log = c.api().getText("/api/v1/jobs/" + id + "/logs");
        assertThat(log).contains("--- attempt 2: exited (exit 0) ---").doesNotContain("attempt 1: killed");
    }

    @Test
    void anAgentStoppedWithSigtermStopsItsTasksAndItsJobsAreRequeuedAtOnce() throws Exception {
        Waiter w = runningWaiter("leave", 0);
        long id = w.id();
        AgentProcess a = w.agent();
        assertThat(a.stop()).isIn(0, 143);
        assertThat(AgentCluster.alive(w.pid())).as("its task was stopped with it").isFalse();
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
        w.release();
        assertThat(c.awaitState(id, "SUCCEEDED", "FAILED").get("state").asString()).isEqualTo("SUCCEEDED");
    }
}
