package io.computegrid.store.leadership;

import io.computegrid.store.EmbeddedDatabase;
import io.computegrid.store.Postgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** A real PostgreSQL that several would-be leaders share, as servers started with the same --db-url do. */
final class SharedPostgres implements AutoCloseable {
    final EmbeddedDatabase pg;
    final Postgres target;

    SharedPostgres(Path dir) {
        pg = EmbeddedDatabase.start(dir);
        target = Postgres.external(pg.jdbcUrl(), EmbeddedDatabase.USER, pg.password());
    }

    LeaderElection candidate(String name) {
        return new LeaderElection(target, new LeaderElection.Candidate(name, "http://" + name), LeaseTiming.DEFAULT);
    }

    /** Waits for leadership on another thread; {@code stop} gives up. */
    static CompletableFuture<Lease> campaign(LeaderElection e, AtomicBoolean stop) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return e.await(leader -> { }, stop::get);
            } catch (InterruptedException x) {
                throw new IllegalStateException(x);
            }
        });
    }

    static Lease lead(LeaderElection e) throws InterruptedException {
        return e.await(leader -> { }, () -> false);
    }

    Connection raw() throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(), EmbeddedDatabase.USER, pg.password());
    }

    /** Ends the election session of {@code holder} from the server side, as an administrator or a partition would. */
    void terminateSessionOf(String holder) throws SQLException {
        try (Connection c = raw(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
                    + "'computegrid-election " + holder + "'");
        }
    }

    Optional<LeaderRecord> record() throws SQLException {
        try (Connection c = raw()) {
            return LeaderTable.read(c);
        }
    }

    @Override
    public void close() {
        pg.close();
    }
}
