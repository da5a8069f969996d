package io.computegrid.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Where the store lives, before anything is read or written there: the embedded PostgreSQL of a
 * locked data directory, or an external one. Hands out the dedicated connection leader election
 * needs and, once this server leads, the pool of {@link Database}.
 */
public final class Postgres implements AutoCloseable {
    private final EmbeddedDatabase embedded;
    private final String url;
    private final String user;
    private final String password;

    private Postgres(EmbeddedDatabase embedded, String url, String user, String password) {
        this.embedded = embedded;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** Starts the embedded PostgreSQL of {@code dataDir}; the caller holds the directory's lock. */
    public static Postgres embedded(Path dataDir, DataDirLock lock) {
        EmbeddedDatabase e = EmbeddedDatabase.start(dataDir, lock);
        return new Postgres(e, e.jdbcUrl(), EmbeddedDatabase.USER, e.password());
    }

    /** An external PostgreSQL (several servers may share it: leadership decides which one acts). */
    public static Postgres external(String url, String user, String password) {
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--db-url: must be a jdbc:postgresql:// URL");
        }
        return new Postgres(null, url, user, password);
    }

    /** A connection outside any pool, with extra driver properties (timeouts for the election's session). */
    public Connection connect(Properties extra) throws SQLException {
        Properties p = new Properties();
        p.putAll(extra);
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection(url, p);
    }

    /** The pool the active server writes through; {@code initSql} runs on every new connection. */
    public HikariDataSource pool(String name, int size, String initSql) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(size);
        hc.setPoolName(name);
        hc.setConnectionTimeout(10_000);
        hc.setConnectionInitSql(initSql);
        return new HikariDataSource(hc);
    }

    public String jdbcUrl() {
        return url;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    /** The embedded PostgreSQL, or null for an external one. */
    public EmbeddedDatabase embeddedDatabase() {
        return embedded;
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
