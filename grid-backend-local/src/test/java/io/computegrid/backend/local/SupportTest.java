package io.computegrid.backend.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.backend.local.LaunchSupport.StartFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupportTest {
    @TempDir
    Path dir;

    @Test
    void durationsReadTheWayUsersWriteThem() {
        assertThat(LaunchSupport.human(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(LaunchSupport.human(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(LaunchSupport.human(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(LaunchSupport.human(Duration.ofSeconds(3725))).isEqualTo("1h2m5s");
        assertThat(LaunchSupport.human(Duration.ofMillis(700))).isEqualTo("700ms");
        assertThat(LaunchSupport.human(Duration.ofSeconds(Long.MAX_VALUE))).endsWith("s");
    }

    @Test
    void onlyFourServerVariablesAreInherited() {
        Map<String, String> env = LaunchSupport.baseEnv(Map.of("PATH", "/x", "HOME", "/h", "GRID_TOKEN", "secret",
                "PGPASSWORD", "pw", "LANG", "C.UTF-8"));
        assertThat(env).containsOnly(Map.entry("PATH", "/x"), Map.entry("HOME", "/h"), Map.entry("LANG", "C.UTF-8"));
        assertThat(LaunchSupport.baseEnv(Map.of())).containsOnly(Map.entry("PATH", LaunchSupport.DEFAULT_PATH));
    }

    @Test
    void executablesAreFoundLikeExecvpFindsThem() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = Files.writeString(bin.resolve("tool"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path plain = Files.writeString(bin.resolve("plain"), "x");
        assertThat(LaunchSupport.checkExecutable("tool", bin.toString(), dir)).isEmpty();
        assertThat(LaunchSupport.checkExecutable("tool", "/nonexistent:" + bin, dir)).isEmpty();
        assertThat(LaunchSupport.checkExecutable("bin/tool", "/usr/bin", dir)).isEmpty(); // relative to the work dir
        assertThat(LaunchSupport.checkExecutable("tool", "/usr/bin", dir))
                .contains(new StartFailure(127, "command not found in PATH: tool"));
        assertThat(LaunchSupport.checkExecutable("plain", bin.toString(), dir))
                .contains(new StartFailure(126, "not executable: plain"));
        assertThat(LaunchSupport.checkExecutable(bin.toString(), "/usr/bin", dir))
                .contains(new StartFailure(126, "not executable: " + bin));
        assertThat(LaunchSupport.checkExecutable("/no/such/file", "/usr/bin", dir))
                .contains(new StartFailure(127, "no such file: /no/such/file"));
        assertThat(LaunchSupport.checkExecutable("", "/usr/bin", dir)).map(StartFailure::exitCode).contains(127);
        assertThat(LaunchSupport.checkExecutable("sh", null, dir)).isEmpty();
    }

    @Test
    void statLinesWithAwkwardCommandNamesParse() {
        String line = "4242 (a) b (c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 18446744073709551615";
        ProcFs.Stat s = ProcFs.parse(4242, line).orElseThrow();
        assertThat(s.state()).isEqualTo('S');
        assertThat(s.ppid()).isEqualTo(1);
        assertThat(s.pgrp()).isEqualTo(4242);
        assertThat(s.startTicks()).isEqualTo(987654);
        assertThat(ProcFs.parse(1, "garbage")).isEmpty();
        assertThat(ProcFs.parse(1, "1 (x) Z 1 1")).isEmpty();
    }

    @Test
    void ourOwnStatMatchesJava() {
        long self = ProcessHandle.current().pid();
        ProcFs.Stat s = ProcFs.stat(self).orElseThrow();
        assertThat(s.pid()).isEqualTo(self);
        assertThat(s.ppid()).isEqualTo(ProcessHandle.current().parent().orElseThrow().pid());
        assertThat(s.startTicks()).isEqualTo(Procs.startTicks(self)).isPositive();
        assertThat(ProcFs.alive(s.proc())).isTrue();
        assertThat(ProcFs.alive(new ProcFs.Proc(self, s.startTicks() + 1))).isFalse();
    }

    @Test
    void checkpointScanSeesTheNewestFileBelowTheDirectory() throws Exception {
        Path d = Files.createDirectories(dir.resolve("ck/step-1"));
        Path f = Files.writeString(d.resolve("model.bin"), "x");
        Files.setLastModifiedTime(dir.resolve("ck"), java.nio.file.attribute.FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(d, java.nio.file.attribute.FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(2_000_000));
        assertThat(Checkpoints.newestMillis(dir.resolve("ck"))).isEqualTo(2_000_000);
        assertThat(Checkpoints.newestMillis(dir.resolve("missing"))).isZero();
        assertThat(Checkpoints.newestMillis(null)).isZero();
    }
}
