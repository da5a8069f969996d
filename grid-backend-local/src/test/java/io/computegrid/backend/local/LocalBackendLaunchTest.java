package io.computegrid.backend.local;

import static io.computegrid.backend.local.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.computegrid.backend.BackendException;
import io.computegrid.backend.local.Recorder.Checkpoint;
import io.computegrid.backend.local.Recorder.Exited;
import io.computegrid.backend.local.Recorder.Started;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBackendLaunchTest {
    static final LocalBackendOptions FAST = LocalBackendOptions.defaults()
            .withKillGrace(Duration.ofSeconds(1))
            .withCheckpointPollInterval(Duration.ofMillis(100))
            .withReconcileGrace(Duration.ofSeconds(1));

    @TempDir
    Path dir;
    Recorder rec;
    LocalBackend backend;

    @BeforeEach
    void start() {
        rec = new Recorder();
        backend = new LocalBackend("cloud", rec, FAST);
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    /** The task's environment as printed by /usr/bin/env between the attempt's header and footer. */
    static Map<String, String> envFromLog(Path log) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("--- ")) {
                continue;
            }
            int eq = line.indexOf('=');
            assertThat(eq).as("env line %s", line).isPositive();
            env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return env;
    }

    @Test
    void aServingTaskGetsItsOwnPortAndReportsWhereItListensBeforeItStarts() throws Exception {
        Jobs j = job(47, dir).tasks(2).command("/usr/bin/env").exposePort();
        backend.launch(j.build());
        assertThat(rec.exit(47, 0).exitCode()).isZero();
        assertThat(rec.exit(47, 1).exitCode()).isZero();
        List<Recorder.Endpoint> endpoints = rec.of(Recorder.Endpoint.class);
        assertThat(endpoints).hasSize(2);
        Set<Integer> ports = new HashSet<>();
        for (Recorder.Endpoint e : endpoints) {
            Map<String, String> env = envFromLog(j.log(e.task()));
            assertThat(e.host()).isEqualTo("127.0.0.1");
            assertThat(env).containsEntry("GRID_PORT", Integer.toString(e.port()))
                    .containsEntry("PORT", Integer.toString(e.port())).containsEntry("GRID_HOST", e.host());
            ports.add(e.port());
            // the endpoint is reported before the task's start, so a gateway never sees a started replica without it
            int endpointAt = rec.all.indexOf(e);
            int startedAt = rec.all.indexOf(rec.started(47, e.task()));
            assertThat(endpointAt).isLessThan(startedAt);
        }
        assertThat(ports).hasSize(2);
        // batch work gets no port
        Jobs batch = job(48, dir).command("/usr/bin/env");
        backend.launch(batch.build());
        assertThat(rec.exit(48, 0).exitCode()).isZero();
        assertThat(envFromLog(batch.log(0))).doesNotContainKeys("GRID_PORT", "PORT", "GRID_HOST");
    }

    @Test
    void eachTaskGetsGridVariablesTheSameRendezvousAndNothingElseOfTheServer() throws Exception {
        Jobs j = job(41, dir).tasks(2).command("/usr/bin/env").env(Map.of("USER_VAR", "a b $HOME;'x'"));
        backend.launch(j.build());
        assertThat(rec.exit(41, 0).exitCode()).isZero();
        assertThat(rec.exit(41, 1).exitCode()).isZero();

        Map<String, String> e0 = envFromLog(j.log(0));
        Map<String, String> e1 = envFromLog(j.log(1));
        assertThat(e0).containsEntry("GRID_TASK_INDEX", "0").containsEntry("GRID_ACCELERATORS", "0")
                .containsEntry("CUDA_VISIBLE_DEVICES", "0");
        assertThat(e1).containsEntry("GRID_TASK_INDEX", "1").containsEntry("GRID_ACCELERATORS", "1")
                .containsEntry("CUDA_VISIBLE_DEVICES", "1");
        for (Map<String, String> e : List.of(e0, e1)) {
            assertThat(e).containsEntry("GRID_JOB_ID", "41").containsEntry("GRID_TASKS", "2")
                    .containsEntry("GRID_ATTEMPT", "1").containsEntry("GRID_MASTER_ADDR", "127.0.0.1")
                    .containsEntry("GRID_CENTER", "cloud").containsEntry("GRID_NODE", "node-a")
                    .containsEntry("GRID_TENANT", "team-a").containsEntry("GRID_RESUME", "0")
                    .containsEntry("USER_VAR", "a b $HOME;'x'") // passed verbatim: no shell saw it
                    .containsKey("PATH");
            // only the allowed server variables leak through (the test JVM has many more, e.g. JAVA_HOME)
            Set<String> foreign = new HashSet<>(e.keySet());
            foreign.removeIf(k -> k.startsWith("GRID_") || k.equals("CUDA_VISIBLE_DEVICES") || k.equals("USER_VAR")
                    || LaunchSupport.INHERITED.contains(k));
            assertThat(foreign).isEmpty();
        }
        assertThat(e0.get("GRID_MASTER_PORT")).isEqualTo(e1.get("GRID_MASTER_PORT"));
        // the listener is called on the backend's own thread, never inside launch
        assertThat(rec.of(Started.class)).extracting(Started::thread)
                .allMatch(t -> t.startsWith("local-backend-cloud-events"));
        assertThat(Integer.parseInt(e0.get("GRID_MASTER_PORT"))).isBetween(1024, 65535);
    }

    @Test
    void aSecondAttemptAppendsToTheLogAndIsToldToResume() throws Exception {
        Jobs a = job(42, dir).command("/usr/bin/env");
        backend.launch(a.build());
        rec.exit(42, 0);
        backend.launch(a.attempt(2).build());
        await(() -> rec.exits(42).size() == 2);
        List<String> ports = Files.readAllLines(a.log(0)).stream().filter(l -> l.startsWith("GRID_MASTER_PORT="))
                .toList();
        assertThat(ports).hasSize(2);
        assertThat(Files.readString(a.log(0))).contains("GRID_RESUME=1");
    }

    @Test
    void tasksRunInTheJobsWorkDirectoryInTheirOwnProcessGroup() throws Exception {
        Jobs j = job(43, dir).command("sh", "-c", "pwd -P; cut -d' ' -f1,5 /proc/$$/stat");
        backend.launch(j.build());
        Started s = rec.started(43, 0);
        assertThat(rec.exit(43, 0).exitCode()).isZero();
        Path work = dir.resolve("jobs/43/work").toRealPath();
        List<String> lines = Files.readAllLines(j.log(0));
        assertThat(lines).contains(work.toString());
        // "pid pgrp": the shell leads its own group; setsid exec'd in place so the pid is the one reported
        assertThat(lines).contains(s.pid() + " " + s.pid());
        assertThat(s.pid()).isNotEqualTo(Procs.pgrp(ProcessHandle.current().pid()));
    }

    @Test
    void logsKeepEveryAttemptBetweenHeaderAndFooter() throws Exception {
        Jobs j = job(44, dir).command("sh", "-c", "echo out-$GRID_ATTEMPT; echo err-$GRID_ATTEMPT >&2; exit 3");
        backend.launch(j.build());
        Exited first = rec.exit(44, 0);
        assertThat(first.exitCode()).isEqualTo(3);
        assertThat(first.reason()).isEqualTo("exited with code 3");
        backend.launch(j.attempt(2).build());
        await(() -> rec.exits(44).size() == 2);
        assertThat(Files.readAllLines(j.log(0))).containsExactly(
                "--- attempt 1 ---", "out-1", "err-1", "--- attempt 1: exited with code 3 (exit 3) ---",
                "--- attempt 2 ---", "out-2", "err-2", "--- attempt 2: exited with code 3 (exit 3) ---");
    }

    @Test
    void aTaskKilledBySignalReports128PlusTheSignal() throws Exception {
        backend.launch(job(45, dir).command("sh", "-c", "kill -9 $$").build());
        assertThat(rec.exit(45, 0).exitCode()).isEqualTo(128 + 9);
    }

    @Test
    void aMissingCommandFailsEveryTaskWith127AndNeverStarts() throws Exception {
        Jobs j = job(46, dir).tasks(2).command("no-such-command-computegrid", "--help");
        String handle = backend.launch(j.build());
        assertThat(handle).isEmpty();
        for (int t = 0; t < 2; t++) {
            Exited e = rec.exit(46, t);
            assertThat(e.exitCode()).isEqualTo(127);
            assertThat(e.reason()).isEqualTo("failed to start: command not found in PATH: no-such-command-computegrid");
            assertThat(Files.readString(j.log(t))).contains("--- attempt 1 ---", "failed to start");
        }
        assertThat(rec.of(Started.class)).isEmpty();
        // the cards are free again
        backend.launch(job(47, dir).tasks(2).command("true").build());
        assertThat(rec.exit(47, 1).exitCode()).isZero();
    }

    @Test
    void aFileThatIsNotExecutableFailsWith126() throws Exception {
        Path script = Files.writeString(dir.resolve("script.sh"), "echo hi\n");
        backend.launch(job(48, dir).command(script.toString()).build());
        Exited e = rec.exit(48, 0);
        assertThat(e.exitCode()).isEqualTo(126);
        assertThat(e.reason()).startsWith("failed to start: not executable");
    }

    @Test
    void wholeCardsAreExclusiveAndFractionsShareACardUpToOneCard() throws Exception {
        backend.launch(job(50, dir).command("sleep", "60").build());
        Started holder = rec.started(50, 0);
        assertThatThrownBy(() -> backend.launch(job(51, dir).command("true").build()))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessage("card 0 on node node-a is still in use by job 50 (attempt 1)");
        // two half cards share card 3; a third half does not fit until one of them ends
        backend.launch(job(52, dir).firstCard(3).milliPerCard(500).command("sleep", "60").build());
        backend.launch(job(54, dir).firstCard(3).milliPerCard(500).command("sleep", "60").build());
        assertThatThrownBy(() -> backend.launch(job(55, dir).firstCard(3).milliPerCard(500).command("true").build()))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("card 3 on node node-a is still in use");
        Started half = rec.started(52, 0);
        backend.cancel(52, 1, half.handle(), "make room");
        rec.exit(52, 0);
        backend.launch(job(55, dir).firstCard(3).milliPerCard(500).command("true").build());
        assertThat(rec.exit(55, 0).exitCode()).isZero();
        backend.cancel(54, 1, rec.started(54, 0).handle(), "done");
        assertThat(rec.exits(51)).isEmpty();
        assertThat(Files.exists(job(51, dir).logDir())).isFalse(); // a refused launch changes nothing

        backend.cancel(50, 1, holder.handle(), "make room");
        rec.exit(50, 0);
        backend.launch(job(51, dir).command("true").build());
        assertThat(rec.exit(51, 0).exitCode()).isZero();
    }

    @Test
    void launchingTheSameAttemptTwiceReturnsTheFirstHandle() throws Exception {
        Jobs j = job(53, dir).command("sleep", "60");
        String h1 = backend.launch(j.build());
        String h2 = backend.launch(j.build());
        assertThat(h2).isEqualTo(h1).matches("pid:\\d+:\\d+");
        rec.started(53, 0);
        backend.cancel(53, 1, h1, "done");
        rec.exit(53, 0);
        assertThat(rec.of(Started.class)).hasSize(1);
    }

    @Test
    void aNewerCheckpointFileIsReportedButOlderOnesAreNot() throws Exception {
        Path ckpt = dir.resolve("jobs/54/checkpoints");
        Files.createDirectories(ckpt);
        Path old = Files.writeString(ckpt.resolve("step-0"), "old");
        Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        Files.setLastModifiedTime(ckpt, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        long before = System.currentTimeMillis();
        Jobs j = job(54, dir).checkpointDir(ckpt)
                .command("sh", "-c", "sleep 0.3; echo 1 > \"$GRID_CHECKPOINT_DIR/step-1\"; exec sleep 60");
        String handle = backend.launch(j.build());
        Path step1 = ckpt.resolve("step-1");
        // the file may be seen once when created and again when written: wait for the written state
        await(() -> Files.exists(step1) && rec.of(Checkpoint.class).stream()
                .anyMatch(c -> c.millis() == mtime(step1)));
        assertThat(rec.of(Checkpoint.class)).allSatisfy(c -> {
            assertThat(c.jobId()).isEqualTo(54);
            assertThat(c.attempt()).isEqualTo(1);
            assertThat(c.millis()).isGreaterThanOrEqualTo(before - 1000); // the hour-old step-0 is not news
        });
        backend.cancel(54, 1, handle, "enough");
        rec.exit(54, 0);
    }

    static long mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void theCheckpointDirectoryIsCreatedAndNamedInTheEnvironment() throws Exception {
        Path ckpt = dir.resolve("jobs/55/checkpoints");
        Jobs j = job(55, dir).checkpointDir(ckpt).command("/usr/bin/env");
        backend.launch(j.build());
        rec.exit(55, 0);
        assertThat(ckpt).isDirectory();
        assertThat(envFromLog(j.log(0))).containsEntry("GRID_CHECKPOINT_DIR", ckpt.toString());
    }

    @Test
    void aFailingListenerDoesNotStopTheBackend() throws Exception {
        backend.close();
        rec = new Recorder() {
            @Override
            public void taskStarted(long jobId, int attempt, int taskIndex, String handle) {
                throw new IllegalStateException("listener bug");
            }
        };
        backend = new LocalBackend("cloud", rec, FAST);
        backend.launch(job(56, dir).command("true").build());
        assertThat(rec.exit(56, 0).exitCode()).isZero();
        backend.launch(job(57, dir).command("true").build());
        assertThat(rec.exit(57, 0).exitCode()).isZero();
    }

    static void await(java.util.function.BooleanSupplier c) {
        Recorder.await(c, "condition");
    }
}
