package io.computegrid.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * The durable store: a PostgreSQL (embedded in the data directory by default, or external),
 * migrated by Flyway from {@code classpath:db/migration} (every module contributes its own
 * version range: store V1-V199, metering V200-V299), reached through JDBI over HikariCP.
 */
public final class Database implements AutoCloseable {
    private final EmbeddedDatabase embedded;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

    private Database(EmbeddedDatabase embedded, String url, String user, String password, int poolSize) {
        this.embedded = embedded;
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(poolSize);
        hc.setPoolName("grid");
        hc.setConnectionTimeout(10_000);
        this.dataSource = new HikariDataSource(hc);
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
                    .outOfOrder(true).load().migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        this.jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
    }

    /** An embedded PostgreSQL inside {@code dataDir}. */
    public static Database embedded(Path dataDir) {
        EmbeddedDatabase e = EmbeddedDatabase.start(dataDir);
        try {
            return new Database(e, e.jdbcUrl(), EmbeddedDatabase.USER, e.password(), 24);
        } catch (RuntimeException ex) {
            e.close();
            throw ex;
        }
    }

    /** An external PostgreSQL; the same migrations run there. */
    public static Database external(String url, String user, String password) {
        return new Database(null, url, user, password, 24);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public javax.sql.DataSource dataSource() {
        return dataSource;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    @Override
    public void close() {
        dataSource.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
