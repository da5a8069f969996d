package io.computegrid.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The server with a local center and a real Slurm center (started with scripts/slurm): pools are
 * discovered, a job runs on Slurm and its output is read back, and when the Slurm controller stops
 * answering the center goes down, the job is requeued and finishes on the local center; when Slurm
 * comes back, the attempt it still held is cancelled there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlurmCenterTest {
    static final String CLUSTER = "gsrv";
    static final Path SCRIPTS = Path.of("..", "scripts", "slurm").toAbsolutePath().normalize();
    @TempDir
    static Path dir;
    TestServer s;
    String admin;
    Map<String, String> env;

    @BeforeAll
    void start() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/sbin/slurmctld"))) {
            throw new IllegalStateException("Slurm is not installed: run scripts/slurm/install.sh as root first");
        }
        run(List.of("stop-cluster.sh", CLUSTER), Map.of(), true);
        env = parseEnv(run(List.of("start-cluster.sh", CLUSTER), Map.of("FRESH", "1", "NODES", "2", "GPUS", "8"), false));
        Path cfg = dir.resolve("fed.yaml");
        Files.writeString(cfg, """
                centers:
                  - name: local1
                    pools: [{name: a100, accelerator: nvidia-a100, nodes: 1, acceleratorsPerNode: 8}]
                  - name: hpc1
                    tier: hpc
                    backend: {type: slurm, url: "%s", user: root, jwtKeyFile: "%s", partition: %s,
                              accelerator: nvidia-a100, pollInterval: 300ms, timeout: 2s}
                tenants:
                  - name: t1
                    quota: {nvidia-a100: 64}
                health: {checkInterval: 500ms, downAfter: 2s}
                """.formatted(env.get("SLURM_REST_URL"), env.get("SLURM_JWT_KEY"), env.get("SLURM_PARTITION")));
        s = new TestServer(dir.resolve("data"), cfg);
        admin = s.adminToken();
    }

    @AfterAll
    void stop() throws Exception {
        if (s != null) {
            s.close();
        }
        run(List.of("stop-cluster.sh", CLUSTER), Map.of(), true);
    }

    @Test
    void aJobRunsOnSlurmAndTheCenterSurvivesAnOutage() throws Exception {
        JsonNode hpc = awaitCenter("hpc1", "UP", true);
        assertThat(hpc.get("pools").get(0).get("cards").asInt()).isEqualTo(16);

        long onSlurm = s.submit(admin, "name: viaslurm\ntenant: t1\ncenters: [hpc1]\nresources: {accelerator: nvidia-a100, count: 2}\n"
                + "command: [\"sh\", \"-c\", \"echo hello from $GRID_CENTER task $GRID_TASK_INDEX\"]\n");
        JsonNode done = s.await(admin, onSlurm, Duration.ofSeconds(60), "SUCCEEDED", "FAILED");
        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("center").asString()).isEqualTo("hpc1");
        assertThat(s.call("GET", "/api/v1/jobs/" + onSlurm + "/logs?task=0", admin, null).body())
                .contains("hello from hpc1 task 0");

        // fill the local center so that the next job goes to Slurm
        long blocker = s.submit(admin, "name: blocker\ntenant: t1\ncenters: [local1]\n"
                + "resources: {accelerator: nvidia-a100, count: 8}\ncommand: [\"sleep\", \"300\"]\n");
        s.await(admin, blocker, Duration.ofSeconds(30), "RUNNING");
        long moving = s.submit(admin, "name: mover\ntenant: t1\nresources: {accelerator: nvidia-a100, count: 8}\n"
                + "command: [\"sh\", \"-c\", \"if [ $GRID_CENTER = hpc1 ]; then sleep 300; else echo resumed on $GRID_CENTER resume=$GRID_RESUME; fi\"]\n");
        JsonNode m = s.await(admin, moving, Duration.ofSeconds(60), "RUNNING");
        assertThat(m.get("center").asString()).isEqualTo("hpc1");

        run(List.of("slurmctld.sh", CLUSTER, "stop"), Map.of(), false);
        awaitCenter("hpc1", "DOWN", false);
        s.call("POST", "/api/v1/jobs/" + blocker + "/cancel", admin, "{}");
        JsonNode after = s.await(admin, moving, Duration.ofSeconds(60), "SUCCEEDED", "FAILED");
        assertThat(after.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(after.get("center").asString()).isEqualTo("local1");
        assertThat(s.call("GET", "/api/v1/jobs/" + moving + "/logs?task=0", admin, null).body())
                .contains("resumed on local1 resume=1");
        assertThat(s.call("GET", "/api/v1/jobs/" + moving + "/events", admin, null).body()).contains("is down");

        run(List.of("slurmctld.sh", CLUSTER, "start"), Map.of(), false);
        awaitCenter("hpc1", "UP", false);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String events = "";
        while (System.nanoTime() < deadline && !events.contains("ORPHAN_CANCELLED")) {
            events = s.call("GET", "/api/v1/jobs/" + moving + "/events", admin, null).body();
            Thread.sleep(200);
        }
        assertThat(events).contains("ORPHAN_CANCELLED");
        String squeue = run(List.of("/usr/bin/squeue", "-h", "-o", "%i %T"), Map.of("SLURM_CONF", env.get("SLURM_CONF")), true);
        assertThat(squeue).doesNotContain("RUNNING");
    }

    @Test
    void aSlurmJobKeepsRunningAcrossARestartOfTheControlPlane() throws Exception {
        awaitCenter("hpc1", "UP", true);
        long id = s.submit(admin, "name: survives\ntenant: t1\ncenters: [hpc1]\nresources: {accelerator: nvidia-a100, count: 1}\n"
                + "command: [\"sh\", \"-c\", \"sleep 4; echo finished on $GRID_CENTER\"]\n");
        s.await(admin, id, Duration.ofSeconds(60), "RUNNING");
        s.restart();
        JsonNode j = s.await(admin, id, Duration.ofSeconds(60), "SUCCEEDED", "FAILED");
        assertThat(j.get("state").asString()).as(j.toString()).isEqualTo("SUCCEEDED");
        assertThat(j.get("attempt").asInt()).as("adopted, not requeued").isEqualTo(1);
        assertThat(s.call("GET", "/api/v1/jobs/" + id + "/logs?task=0", admin, null).body()).contains("finished on hpc1");
    }

    private JsonNode awaitCenter(String name, String status, boolean withCards) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            for (JsonNode c : s.call("GET", "/api/v1/centers", admin, null).json().get("items")) {
                if (c.get("name").asString().equals(name)) {
                    last = c;
                    if (c.get("status").asString().equals(status) && (!withCards || c.get("pools").size() > 0)) {
                        return c;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("center " + name + " not " + status + ": " + last);
    }

    static String run(List<String> cmd, Map<String, String> extraEnv, boolean tolerateFailure)
            throws IOException, InterruptedException {
        List<String> full = new java.util.ArrayList<>(cmd);
        if (!full.get(0).startsWith("/")) {
            full.set(0, SCRIPTS.resolve(full.get(0)).toString());
        }
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(cmd + " timed out");
        }
        if (p.exitValue() != 0 && !tolerateFailure) {
            throw new IllegalStateException(cmd + " failed (" + p.exitValue() + "): " + out);
        }
        return out;
    }

    static Map<String, String> parseEnv(String out) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Z_]+")) {
                m.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return m;
    }
}
