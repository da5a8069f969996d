package io.computegrid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second {@code grid server} on the same embedded data directory is refused at once with one clear line, and
 * the first one never notices: its PostgreSQL keeps running, work submitted before and after runs.
 */
class DataDirLockProcessTest {
    @TempDir
    Path dir;

    static String job(String name, String command) {
        return "{\"name\":\"" + name + "\",\"tenant\":\"acme\",\"resources\":{\"accelerator\":\"nvidia-a100\",\"count\":1},"
                + "\"command\":" + command + "}";
    }

    @Test
    void aSecondServerOnTheSameDataDirIsRefusedAndTheFirstKeepsWorking() throws Exception {
        Path data = dir.resolve("data");
        try (ServerProcess first = new ServerProcess(data).start()) {
            String token = first.adminToken();
            long before = HaClient.submit(first.url(), token, job("before", "[\"sleep\", \"3\"]"));
            HaClient.await(first.url(), token, before, Duration.ofSeconds(60), "RUNNING");

            ServerProcess second = new ServerProcess(data, ServerProcess.freePort(), "second").launch();
            int exit = second.awaitExit(Duration.ofSeconds(60));
            assertThat(exit).as(second.log()).isEqualTo(4);
            List<String> lines = second.stderr().lines().filter(l -> !l.isBlank()).toList();
            assertThat(lines).as("one line on stderr").hasSize(1);
            assertThat(lines.get(0)).contains("data directory " + data.toRealPath())
                    .contains("in use by another computegrid server")
                    .contains("pid " + first.pid()).contains(first.url())
                    .contains("stop that server first").contains("--db-url");
            assertThat(second.readyz()).as("the refused server never listened").isEqualTo(-1);

            assertThat(first.readyz()).isEqualTo(200);
            assertThat(HaClient.await(first.url(), token, before, Duration.ofSeconds(60), "SUCCEEDED", "FAILED"))
                    .isEqualTo("SUCCEEDED");
            long after = HaClient.submit(first.url(), token, job("after", "[\"true\"]"));
            assertThat(HaClient.await(first.url(), token, after, Duration.ofSeconds(60), "SUCCEEDED", "FAILED"))
                    .isEqualTo("SUCCEEDED");
            assertThat(first.readyz()).isEqualTo(200);
        }
    }
}
