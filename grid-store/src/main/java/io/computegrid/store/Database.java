package io.computegrid.store;

import com.zaxxer.hikari.HikariDataSource;
import io.computegrid.store.leadership.Fencing;
import io.computegrid.store.leadership.LeaderElection;
import io.computegrid.store.leadership.Lease;
import io.computegrid.store.leadership.LeaseTiming;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable store as the active server sees it: opened only under a {@link Lease}, migrated by Flyway
 * from {@code classpath:db/migration} (every module contributes its own version range: store V1-V199,
 * metering V200-V299), every table fenced, reached through JDBI over a HikariCP pool whose connections
 * write at the lease's epoch. A write the fence refuses loses the lease.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Lease lease;
    private final Postgres postgres;
    /** What this instance opened itself and closes after the pool (the convenience constructors). */
    private final List<AutoCloseable> owned;

    private Database(Postgres pg, Lease lease, int poolSize, List<AutoCloseable> owned) {
        this.postgres = pg;
        this.lease = lease;
        this.owned = owned;
        this.dataSource = pg.pool("grid", poolSize, Fencing.connectionInitSql(lease.epoch()));
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
                    .outOfOrder(true).load().migrate();
            try (Connection c = dataSource.getConnection()) {
                List<String> fenced = Fencing.installTriggers(c);
                if (!fenced.isEmpty()) {
                    log.info("fencing trigger added to {} table(s): {}", fenced.size(), fenced);
                }
            }
        } catch (RuntimeException | SQLException e) {
            dataSource.close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException("cannot fence the schema: "
                    + e.getMessage(), e);
        }
        this.jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
        jdbi.setSqlLogger(new SqlLogger() {
            @Override
            public void logException(StatementContext context, SQLException ex) {
                if (Fencing.isFenced(ex)) {
                    lease.lose("a write was refused by the fence: " + ex.getMessage().lines().findFirst().orElse(""));
                }
            }
        });
    }

    /** The store of the server that holds {@code lease}: migrations, fencing, the pool at its epoch. */
    public static Database open(Postgres pg, Lease lease) {
        return new Database(pg, lease, 24, List.of());
    }

    /**
     * An embedded PostgreSQL inside {@code dataDir}, led by this process alone (tools and tests): takes the
     * directory's lock, starts PostgreSQL, wins leadership and migrates. Closing releases all of it.
     */
    public static Database embedded(Path dataDir) {
        DataDirLock lock = DataDirLock.acquire(dataDir);
        List<AutoCloseable> owned = new ArrayList<>(List.of(lock));
        try {
            Postgres pg = Postgres.embedded(dataDir, lock);
            owned.add(pg);
            return lead(pg, owned);
        } catch (RuntimeException e) {
            closeReversed(owned);
            throw e;
        }
    }

    /** An external PostgreSQL, led by this process (waits while another server leads it). */
    public static Database external(String url, String user, String password) {
        Postgres pg = Postgres.external(url, user, password);
        List<AutoCloseable> owned = new ArrayList<>(List.of(pg));
        try {
            return lead(pg, owned);
        } catch (RuntimeException e) {
            closeReversed(owned);
            throw e;
        }
    }

    private static Database lead(Postgres pg, List<AutoCloseable> owned) {
        Lease lease;
        try {
            lease = new LeaderElection(pg, new LeaderElection.Candidate(ProcessHandle.current().pid() + "@tool", null),
                    LeaseTiming.DEFAULT).await(leader -> { }, () -> false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for leadership", e);
        }
        owned.add(lease);
        return new Database(pg, lease, 24, owned);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public javax.sql.DataSource dataSource() {
        return dataSource;
    }

    public Lease lease() {
        return lease;
    }

    public boolean isEmbedded() {
        return postgres.isEmbedded();
    }

    /** The embedded PostgreSQL, when there is one. */
    public Optional<EmbeddedDatabase> embeddedDatabase() {
        return Optional.ofNullable(postgres.embeddedDatabase());
    }

    @Override
    public void close() {
        dataSource.close();
        closeReversed(owned);
    }

    private static void closeReversed(List<AutoCloseable> in) {
        List<AutoCloseable> reverse = new ArrayList<>(in);
        java.util.Collections.reverse(reverse);
        for (AutoCloseable c : reverse) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("while closing the store: {}", e.toString());
            }
        }
    }
}
