package io.computegrid.backend.local;

import static io.computegrid.backend.local.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.backend.local.Recorder.Exited;
import io.computegrid.backend.local.Recorder.Started;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBackendStopTest {
    /** Within this time a killed tree must be gone (SIGTERM kills sleep at once; the grace is 1 s). */
    static final Duration GONE = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    Recorder rec;
    LocalBackend backend;
    /** Handles taken while the processes lived: destroying them later cannot hit a reused pid. */
    final List<ProcessHandle> toClean = new ArrayList<>();

    @BeforeEach
    void start() {
        rec = new Recorder();
        backend = new LocalBackend("cloud", rec, LocalBackendLaunchTest.FAST);
    }

    @AfterEach
    void stop() {
        backend.close();
        toClean.forEach(ProcessHandle::destroyForcibly);
    }

    void keep(long pid) {
        ProcessHandle.of(pid).ifPresent(toClean::add);
    }

    static void awaitDead(List<Long> pids) {
        Recorder.await(() -> pids.stream().noneMatch(Procs::alive), GONE, "processes " + pids + " to be gone");
    }

    /** Waits until the group led by {@code pid} holds {@code n} live processes named {@code comm}, returns them all. */
    List<Long> awaitGroup(long pid, String comm, int n) {
        Recorder.await(() -> Procs.groupMembers(pid).stream().filter(p -> Procs.comm(p).equals(comm)).count() >= n,
                "group " + pid + " to hold " + n + " " + comm);
        List<Long> members = Procs.groupMembers(pid);
        members.forEach(this::keep);
        return members;
    }

    @Test
    void whenOneTaskOfAGangFailsTheOthersAreStopped() throws Exception {
        // task 0 fails once the test has seen its siblings' sleeps (a file in the shared work dir says go)
        String script = "if [ \"$GRID_TASK_INDEX\" = 0 ]; then while [ ! -e go ]; do sleep 0.02; done; exit 4; fi;"
                + " sleep 60";
        backend.launch(job(60, dir).tasks(3).command("sh", "-c", script).build());
        List<Long> siblings = new ArrayList<>();
        for (int t = 1; t < 3; t++) {
            long pid = rec.started(60, t).pid();
            siblings.addAll(awaitGroup(pid, "sleep", 1));
        }
        Files.writeString(dir.resolve("jobs/60/work/go"), "");
        Exited failed = rec.exit(60, 0);
        assertThat(failed.exitCode()).isEqualTo(4);
        assertThat(failed.reason()).isEqualTo("exited with code 4");
        for (int t = 1; t < 3; t++) {
            Exited e = rec.exit(60, t);
            assertThat(e.reason()).isEqualTo("stopped: task 0 failed (exit 4)");
            assertThat(e.exitCode()).isEqualTo(128 + 15);
        }
        awaitDead(siblings);
    }

    @Test
    void cancelKillsTheWholeTreeOnceAndIsIdempotent() throws Exception {
        String handle = backend.launch(job(61, dir).tasks(2).command("sh", "-c", "sleep 300 & sleep 300").build());
        List<Long> all = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Started s = rec.started(61, t);
            assertThat(handle).contains(s.handle());
            assertThat(s.startTicks()).isEqualTo(Procs.startTicks(s.pid()));
            all.addAll(awaitGroup(s.pid(), "sleep", 2));
        }
        backend.cancel(61, 1, handle, "user request");
        backend.cancel(61, 1, handle, "user request");
        for (int t = 0; t < 2; t++) {
            Exited e = rec.exit(61, t);
            assertThat(e.reason()).isEqualTo("killed: user request");
            assertThat(e.exitCode()).isEqualTo(128 + 15);
        }
        assertThat(all).hasSizeGreaterThanOrEqualTo(4);
        // reported only once the whole tree is gone
        assertThat(all).noneMatch(Procs::alive);
        backend.cancel(61, 1, handle, "again");
        assertThat(rec.exits(61)).hasSize(2);
    }

    @Test
    void cancelAlsoKillsDescendantsThatLeftTheProcessGroup() throws Exception {
        String handle = backend.launch(job(62, dir).command("sh", "-c", "setsid sleep 300 & sleep 300").build());
        long root = rec.started(62, 0).pid();
        Recorder.await(() -> Procs.descendants(root).stream().anyMatch(p -> Procs.pgrp(p) != root)
, "a descendant in its own session");
        List<Long> escaped = Procs.descendants(root).stream().filter(p -> Procs.pgrp(p) != root).toList();
        escaped.forEach(this::keep);
        keep(root);
        assertThat(escaped).isNotEmpty();
        backend.cancel(62, 1, handle, "user request");
        assertThat(rec.exit(62, 0).reason()).isEqualTo("killed: user request");
        awaitDead(escaped);
        assertThat(Procs.alive(root)).isFalse();
    }

    @Test
    void aTaskIgnoringSigtermIsKilledAfterTheGrace() throws Exception {
        String handle = backend.launch(job(63, dir)
                .command("sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done").build());
        long root = rec.started(63, 0).pid();
        Path log = job(63, dir).log(0);
        Recorder.await(() -> read(log).contains("ready"), "the trap to be set");
        long t0 = System.nanoTime();
        backend.cancel(63, 1, handle, "stop");
        Exited e = rec.exit(63, 0);
        assertThat(e.exitCode()).isEqualTo(128 + 9);
        assertThat(e.reason()).isEqualTo("killed: stop");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(Procs.alive(root)).isFalse();
    }

    @Test
    void maxRuntimeIsEnforced() throws Exception {
        Jobs j = job(64, dir).tasks(2).maxRuntime(Duration.ofMillis(700))
                .command("sh", "-c", "sleep 60 & echo bg=$!; sleep 60");
        backend.launch(j.build());
        List<Long> all = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            long root = rec.started(64, t).pid();
            keep(root);
            all.add(root);
        }
        for (int t = 0; t < 2; t++) {
            Exited e = rec.exit(64, t);
            assertThat(e.reason()).isEqualTo("killed: maxRuntime exceeded (700ms)");
            assertThat(e.exitCode()).isEqualTo(128 + 15);
            // the background sleep, if the shell got that far before the limit
            read(j.log(t)).lines().filter(l -> l.startsWith("bg=")).forEach(l -> all.add(Long.parseLong(l.substring(3))));
        }
        assertThat(all).noneMatch(Procs::alive);
        assertThat(read(j.log(0))).contains("--- attempt 1: killed: maxRuntime exceeded (700ms) (exit 143) ---");
    }

    @Test
    void aJobWithinItsMaxRuntimeSucceeds() throws Exception {
        backend.launch(job(65, dir).maxRuntime(Duration.ofMinutes(10)).command("true").build());
        Exited e = rec.exit(65, 0);
        assertThat(e.exitCode()).isZero();
        assertThat(e.reason()).isEqualTo("exited");
        backend.launch(job(69, dir).firstCard(1).maxRuntime(Duration.ofSeconds(Long.MAX_VALUE)).command("true").build());
        assertThat(rec.exit(69, 0).reason()).isEqualTo("exited");
    }

    @Test
    void whatATaskLeavesBehindIsKilledBeforeItsExitIsReported() throws Exception {
        Jobs j = job(66, dir).command("sh", "-c", "sleep 300 & echo bg=$!");
        backend.launch(j.build());
        Exited e = rec.exit(66, 0);
        assertThat(e.exitCode()).isZero();
        assertThat(e.reason()).isEqualTo("exited");
        String line = read(j.log(0)).lines().filter(l -> l.startsWith("bg=")).findFirst().orElseThrow();
        long bg = Long.parseLong(line.substring(3));
        
        assertThat(Procs.alive(bg)).isFalse();
    }

    @Test
    void closeKillsEverythingWithoutReportingIt() throws Exception {
        backend.launch(job(67, dir).tasks(2).command("sh", "-c", "sleep 300 & sleep 300").build());
        List<Long> all = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            all.addAll(awaitGroup(rec.started(67, t).pid(), "sleep", 2));
        }
        backend.close();
        assertThat(all).noneMatch(Procs::alive);
        assertThat(rec.exits(67)).isEmpty();
        assertThat(Procs.alive(ProcessHandle.current().pid())).isTrue();
    }

    @Test
    void cancellingAnUnknownJobDoesNothing() throws Exception {
        backend.cancel(999, 1, "", "nothing");
        backend.cancel(999, 1, null, "nothing");
        backend.cancel(999, 1, "garbage:1:2", "nothing");
        backend.launch(job(68, dir).command("true").build());
        assertThat(rec.exit(68, 0).exitCode()).isZero();
        assertThat(rec.exits(999)).isEmpty();
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
