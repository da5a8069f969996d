package io.computegrid.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.store.EmbeddedDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --db-url}: the same migrations run on a PostgreSQL the server does not own, and work continues across restarts. */
class ExternalDatabaseTest {
    @TempDir
    Path dir;

    @Test
    void theServerMigratesAndUsesAnExternalPostgres() throws Exception {
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(dir.resolve("external"))) {
            Path data = dir.resolve("data");
            ServerOptions o = new ServerOptions("127.0.0.1", 0, data, pg.jdbcUrl(), EmbeddedDatabase.USER, pg.password(),
                    true, null, null);
            long id;
            try (GridServer s = new GridServer(o).start()) {
                assertThat(Files.exists(data.resolve("pg"))).as("no embedded PostgreSQL of its own").isFalse();
                TestServerClient c = new TestServerClient(s.port(), Files.readString(data.resolve("admin.token")).trim());
                id = c.submit(TestServer.spec("ext", "acme", 1, "nvidia-a100", 1, "[\"echo\", \"external\"]", null));
                c.await(id, Duration.ofSeconds(30), "SUCCEEDED");
            }
            try (GridServer s = new GridServer(o).start()) {
                TestServerClient c = new TestServerClient(s.port(), Files.readString(data.resolve("admin.token")).trim());
                assertThat(c.state(id)).isEqualTo("SUCCEEDED");
            }
        }
    }
}
