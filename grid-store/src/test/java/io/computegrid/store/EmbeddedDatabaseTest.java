package io.computegrid.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.DriverManager;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {
    @TempDir
    Path dir;

    @Test
    void migratesKeepsDataAcrossRestartsAndRequiresThePassword() throws Exception {
        String url;
        try (Database db = Database.embedded(dir)) {
            db.jdbi().useHandle(h -> h.execute("INSERT INTO tenants(name) VALUES ('acme')"));
            url = ((com.zaxxer.hikari.HikariDataSource) db.dataSource()).getJdbcUrl();
            assertThat(url).startsWith("jdbc:postgresql://127.0.0.1:");
            String u = url;
            assertThatThrownBy(() -> DriverManager.getConnection(u, "postgres", "wrong").close())
                    .hasMessageContaining("password authentication failed");
        }
        assertThat(Files.getPosixFilePermissions(dir.resolve("db.password")))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        try (Database db = Database.embedded(dir)) {
            String name = db.jdbi().withHandle(h -> h.createQuery("SELECT name FROM tenants").mapTo(String.class).one());
            assertThat(name).isEqualTo("acme");
        }
    }
}
