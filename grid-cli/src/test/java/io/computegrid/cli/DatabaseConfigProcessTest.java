package io.computegrid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.store.EmbeddedDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grid server --db-url}: a wrong password is a one-line error at once (waiting would not fix it), while a
 * standby stopped with SIGTERM exits cleanly.
 */
class DatabaseConfigProcessTest {
    @TempDir
    Path dir;

    @Test
    void aWrongPasswordIsOneLineAndASigtermedStandbyExitsCleanly() throws Exception {
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(dir.resolve("pg"))) {
            String[] args = {"--demo", "--db-url", pg.jdbcUrl(), "--db-user", EmbeddedDatabase.USER};
            ServerProcess wrong = new ServerProcess(dir.resolve("wrong"), ServerProcess.freePort(), "wrong").args(args)
                    .env("GRID_DB_PASSWORD", "not-the-password").launch();
            assertThat(wrong.awaitExit(Duration.ofSeconds(60))).as(wrong.log()).isEqualTo(1);
            assertThat(wrong.stderr().lines().filter(l -> l.startsWith("grid server:")).toList()).singleElement()
                    .asString().contains("cannot use the database").contains("password authentication failed");

            try (ServerProcess active = new ServerProcess(dir.resolve("data"), ServerProcess.freePort(), "active")
                    .args(args).env("GRID_DB_PASSWORD", pg.password()).start();
                 ServerProcess standby = new ServerProcess(dir.resolve("data"), ServerProcess.freePort(), "standby")
                         .args(args).env("GRID_DB_PASSWORD", pg.password()).launch()) {
                standby.awaitReadyz(503, Duration.ofSeconds(90));
                FailoverProcessTest.awaitStandby(standby, active.url());
                assertThat(standby.stop()).as("SIGTERM while standing by").isIn(0, 143);
                assertThat(active.readyz()).isEqualTo(200);
            }
        }
    }
}
