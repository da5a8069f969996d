package io.computegrid.backend.local;

import static io.computegrid.backend.local.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.backend.ActiveJob;
import io.computegrid.backend.Backend.JobStatus;
import io.computegrid.backend.local.ProcFs.Proc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A control-plane restart: the old backend's processes are still running when a new backend instance is asked
 * to reconcile. The old instance stands in for the process that died (it is closed only at the end).
 */
class LocalBackendRestartTest {
    @TempDir
    Path dir;
    final List<LocalBackend> backends = new ArrayList<>();
    final List<ProcessHandle> toClean = new ArrayList<>();

    @AfterEach
    void stop() {
        backends.forEach(LocalBackend::close);
        toClean.forEach(ProcessHandle::destroyForcibly);
    }

    LocalBackend backend(Recorder rec) {
        LocalBackend b = new LocalBackend("cloud", rec, LocalBackendLaunchTest.FAST);
        backends.add(b);
        return b;
    }

    @Test
    void reconcileKillsWhatIsLeftOfAJobAndAnswersUnknown() throws Exception {
        Recorder before = new Recorder();
        LocalBackend old = backend(before);
        String handle = old.launch(job(70, dir).tasks(2).command("sh", "-c", "sleep 300 & sleep 300").build());
        List<Long> all = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            long pid = before.started(70, t).pid();
            Recorder.await(() -> Procs.groupMembers(pid).size() >= 2, "both sleeps of task " + pid);
            all.addAll(Procs.groupMembers(pid));
        }
        all.forEach(p -> ProcessHandle.of(p).ifPresent(toClean::add));

        Recorder after = new Recorder();
        Map<Long, JobStatus> status = backend(after).reconcile(List.of(new ActiveJob(70, 1, handle)));

        assertThat(status).containsExactly(Map.entry(70L, JobStatus.UNKNOWN));
        assertThat(all).noneMatch(Procs::alive); // reconcile returns only once they are gone
        assertThat(after.all).isEmpty(); // the new instance reports nothing about processes it never ran
    }

    @Test
    void reconcileAcceptsASingleTaskHandleToo() throws Exception {
        Recorder before = new Recorder();
        LocalBackend old = backend(before);
        old.launch(job(71, dir).command("sleep", "300").build());
        Recorder.Started s = before.started(71, 0);
        ProcessHandle.of(s.pid()).ifPresent(toClean::add);
        Map<Long, JobStatus> status = backend(new Recorder()).reconcile(List.of(new ActiveJob(71, 1, s.handle())));
        assertThat(status).containsEntry(71L, JobStatus.UNKNOWN);
        assertThat(Procs.alive(s.pid())).isFalse();
    }

    @Test
    void reconcileSparesAProcessWhosePidMatchesButStartTimeDoesNot() throws Exception {
        Process other = new ProcessBuilder("setsid", "sleep", "300").start();
        toClean.add(other.toHandle());
        long pid = other.pid();
        Recorder.await(() -> Procs.alive(pid) && Procs.pgrp(pid) == pid, "the stranger to lead its own group");
        long start = Procs.startTicks(pid);

        Map<Long, JobStatus> status = backend(new Recorder()).reconcile(List.of(
                new ActiveJob(72, 1, "pid:" + pid + ":" + (start + 5)),
                new ActiveJob(73, 2, "pid:" + pid + ":" + (start - 1)),
                new ActiveJob(74, 1, "not-a-handle"),
                new ActiveJob(75, 1, null)));

        assertThat(status).containsOnly(Map.entry(72L, JobStatus.UNKNOWN), Map.entry(73L, JobStatus.UNKNOWN),
                Map.entry(74L, JobStatus.UNKNOWN), Map.entry(75L, JobStatus.UNKNOWN));
        assertThat(Procs.alive(pid)).isTrue();
        assertThat(other.isAlive()).isTrue();
    }

    @Test
    void aJobStillRunningInThisInstanceIsReportedRunningAndLeftAlone() throws Exception {
        Recorder rec = new Recorder();
        LocalBackend b = backend(rec);
        String handle = b.launch(job(76, dir).command("sleep", "300").build());
        long pid = rec.started(76, 0).pid();
        ProcessHandle.of(pid).ifPresent(toClean::add);
        assertThat(b.reconcile(List.of(new ActiveJob(76, 1, handle)))).containsEntry(76L, JobStatus.RUNNING);
        assertThat(Procs.alive(pid)).isTrue();
    }

    @Test
    void cancelAfterARestartKillsByHandle() throws Exception {
        Recorder before = new Recorder();
        String handle = backend(before).launch(job(77, dir).command("sh", "-c", "sleep 300 & sleep 300").build());
        long pid = before.started(77, 0).pid();
        Recorder.await(() -> Procs.groupMembers(pid).size() >= 2, "both sleeps");
        List<Long> all = Procs.groupMembers(pid);
        all.forEach(p -> ProcessHandle.of(p).ifPresent(toClean::add));
        backend(new Recorder()).cancel(77, 1, handle, "user request");
        Recorder.await(() -> all.stream().noneMatch(Procs::alive), "the old tree to be gone");
    }

    @Test
    void handlesAreParsedStrictly() {
        assertThat(StaleProcesses.parseHandle("pid:123:456,pid:789:1011"))
                .containsExactly(new Proc(123, 456), new Proc(789, 1011));
        assertThat(StaleProcesses.parseHandle(" pid:123:456 ")).containsExactly(new Proc(123, 456));
        assertThat(StaleProcesses.parseHandle("pid:1:5")).isEmpty(); // never init
        assertThat(StaleProcesses.parseHandle("pid:-3:5")).isEmpty();
        assertThat(StaleProcesses.parseHandle("pid:12")).isEmpty();
        assertThat(StaleProcesses.parseHandle("slurm:12:3")).isEmpty();
        assertThat(StaleProcesses.parseHandle("")).isEmpty();
        assertThat(StaleProcesses.parseHandle(null)).isEmpty();
    }
}
