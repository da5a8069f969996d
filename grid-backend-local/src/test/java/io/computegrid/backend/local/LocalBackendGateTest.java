package io.computegrid.backend.local;

import static io.computegrid.backend.local.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.computegrid.backend.local.ProcFs.Proc;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task runs only once the control plane has made its handle durable: a recording that fails, or a control
 * plane killed before it finished recording, leaves nothing that ran (docs/decisions/ha-zero-double-dispatch.md).
 */
class LocalBackendGateTest {
    @TempDir
    Path dir;
    final List<LocalBackend> backends = new ArrayList<>();

    @AfterEach
    void stop() {
        backends.forEach(LocalBackend::close);
    }

    LocalBackend backend(Recorder rec) {
        LocalBackend b = new LocalBackend("cloud", rec, LocalBackendLaunchTest.FAST);
        backends.add(b);
        return b;
    }

    @Test
    void theCommandStartsOnlyAfterTheHandleIsRecorded() throws Exception {
        Recorder rec = new Recorder();
        Path marker = dir.resolve("marker");
        List<String> seenAtRecording = new ArrayList<>();
        String handle = backend(rec).launch(job(80, dir).command("sh", "-c", "echo ran > " + marker).build(), h -> {
            try {
                Thread.sleep(300); // the task would have written its marker by now, were it not held
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            seenAtRecording.add(h + (Files.exists(marker) ? " marker" : " no-marker"));
        });
        assertThat(seenAtRecording).containsExactly(handle + " no-marker");
        assertThat(rec.exit(80, 0).exitCode()).isZero();
        assertThat(Files.readString(marker).trim()).isEqualTo("ran");
    }

    @Test
    void aRecordingThatFailsAbortsTheLaunchBeforeAnythingRan() throws Exception {
        Recorder rec = new Recorder();
        LocalBackend b = backend(rec);
        Path marker = dir.resolve("marker");
        List<String> handles = new ArrayList<>();
        assertThatThrownBy(() -> b.launch(job(81, dir).tasks(2).command("sh", "-c", "echo ran >> " + marker).build(), h -> {
            handles.add(h);
            throw new IllegalStateException("fenced: another server leads");
        })).hasMessageContaining("fenced");
        assertThat(StaleProcesses.parseHandle(handles.get(0))).hasSize(2)
                .allSatisfy(p -> assertThat(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse());
        Thread.sleep(300);
        assertThat(marker).doesNotExist();
        // the cards were given back: the same cards launch again
        b.launch(job(82, dir).tasks(2).command("true").build());
        assertThat(rec.exit(82, 1).exitCode()).isZero();
    }

    @Test
    void aControlPlaneKilledWhileRecordingLeavesNoTaskThatRan() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process plane = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                GatedLaunchMain.class.getName(), dir.toString())).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(plane.getInputStream(), StandardCharsets.UTF_8));
            String handle = out.readLine();
            List<Proc> procs = StaleProcesses.parseHandle(handle);
            assertThat(procs).hasSize(1);
            assertThat(ProcessHandle.of(procs.get(0).pid())).isPresent();
            plane.destroyForcibly(); // SIGKILL in the middle of recording
            assertThat(plane.waitFor(10, TimeUnit.SECONDS)).isTrue();
            Recorder.await(() -> ProcessHandle.of(procs.get(0).pid()).map(p -> !p.isAlive()).orElse(true),
                    Duration.ofSeconds(10), "the held task to leave when its control plane's pipe closed");
            Thread.sleep(200);
            assertThat(dir.resolve("marker")).as("the command never ran").doesNotExist();
        } finally {
            plane.destroyForcibly();
        }
    }
}
