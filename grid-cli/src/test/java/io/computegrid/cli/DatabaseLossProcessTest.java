package io.computegrid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database dies under {@code grid server} (SIGKILL of its embedded postmaster): the server stops acting and
 * exits non-zero with one line saying why, so a supervisor restarts it; the restart on the same data directory works.
 */
class DatabaseLossProcessTest {
    @TempDir
    Path dir;

    @Test
    void theServerExitsWithCode3WhenItsDatabaseDiesAndARestartRecovers() throws Exception {
        Path data = dir.resolve("data");
        ServerProcess s = new ServerProcess(data).start();
        try {
            long postmaster = Long.parseLong(Files.readAllLines(data.resolve("pg").resolve("postmaster.pid")).get(0).trim());
            ProcessHandle.of(postmaster).orElseThrow().destroyForcibly();
            assertThat(s.awaitExit(Duration.ofSeconds(60))).as(s.log()).isEqualTo(3);
            assertThat(s.stderr().lines().filter(l -> l.startsWith("grid server: lost leadership")).toList())
                    .singleElement().asString().contains("database connection holding leadership failed")
                    .contains("come back as a standby");
        } finally {
            s.close();
        }
        try (ServerProcess again = new ServerProcess(data).start()) {
            assertThat(again.readyz()).isEqualTo(200);
        }
    }
}
