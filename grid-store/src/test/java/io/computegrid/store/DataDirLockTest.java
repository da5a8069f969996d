package io.computegrid.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One data directory, one server: the lock refuses a second holder and the kernel frees it when the holder dies. */
class DataDirLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondHolderInThisProcessIsRefusedUntilTheFirstLetsGo() {
        DataDirLock first = DataDirLock.acquire(dir);
        first.describe("http://127.0.0.1:8080");
        assertThatThrownBy(() -> DataDirLock.acquire(dir))
                .isInstanceOf(DataDirLock.HeldException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("pid " + ProcessHandle.current().pid())
                .hasMessageContaining("http://127.0.0.1:8080")
                .hasMessageContaining("--db-url");
        // the embedded PostgreSQL needs the lock: nothing under DIR/pg is touched without it
        assertThatThrownBy(() -> EmbeddedDatabase.start(dir)).isInstanceOf(DataDirLock.HeldException.class);
        assertThat(Files.exists(dir.resolve("pg"))).isFalse();
        first.close();
        DataDirLock.acquire(dir).close();
    }

    @Test
    void anotherProcessHoldingItIsNamedAndItsDeathFreesTheDirectory() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                LockHolderMain.class.getName(), dir.toString())).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked");
            assertThatThrownBy(() -> DataDirLock.acquire(dir))
                    .isInstanceOf(DataDirLock.HeldException.class)
                    .hasMessageContaining("pid " + holder.pid())
                    .hasMessageContaining("http://127.0.0.1:1");
            holder.destroyForcibly(); // SIGKILL: no code of the holder runs, the kernel drops the lock
            assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
            try (DataDirLock mine = DataDirLock.acquire(dir)) {
                assertThat(mine.covers(dir)).isTrue();
            }
        } finally {
            holder.destroyForcibly();
        }
    }
}
