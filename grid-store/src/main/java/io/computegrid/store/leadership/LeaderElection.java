package io.computegrid.store.leadership;

import io.computegrid.store.Postgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on PostgreSQL (docs/decisions/ha-leader-election.md): a session advisory lock held on a
 * dedicated connection (not the pool). PostgreSQL frees it the moment that session ends, so a killed
 * leader's lock is free at once; a hung or cut-off one loses its session after the server-side idle
 * timeout. The winner raises the fencing epoch (waiting for the old epoch's writes in flight) and gets a
 * {@link Lease}; the others poll and stand by.
 */
public final class LeaderElection {
    private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

    private final Postgres pg;
    private final Candidate me;
    private final LeaseTiming timing;

    /** A server that wants to lead: a name for logs and the row ({@code host/pid}) and the URL it serves. */
    public record Candidate(String holder, String url) {
        public Candidate {
            Objects.requireNonNull(holder, "holder");
        }
    }

    /** What a standby hears while it waits. */
    public interface Observer {
        /** The current leader changed (or became known); empty when no server ever led this database. */
        void standingBy(Optional<LeaderRecord> leader);

        /** The database cannot be reached; the standby keeps trying. */
        default void unreachable(String problem) {
        }
    }

    public LeaderElection(Postgres pg, Candidate me, LeaseTiming timing) {
        this.pg = pg;
        this.me = me;
        this.timing = timing;
    }

    /**
     * Blocks until this server leads (then returns its lease, already renewing), or until {@code stop} says
     * to give up (then throws InterruptedException). Database outages are waited out.
     */
    public Lease await(Observer observer, BooleanSupplier stop) throws InterruptedException {
        Connection c = null;
        Optional<LeaderRecord> seen = null;
        String lastProblem = null;
        while (!stop.getAsBoolean()) {
            try {
                if (c == null) {
                    c = connect();
                }
                if (tryLock(c)) {
                    LeaderTable.Won won = LeaderTable.bump(c, me.holder(), me.url());
                    Lease lease = new Lease(c, won.epoch(), won.before(), me, timing);
                    log.info("leading at epoch {} (previous: {})", won.epoch(),
                            won.before().map(r -> r.holder() + " at epoch " + r.epoch()).orElse("none"));
                    return lease;
                }
                Optional<LeaderRecord> now = LeaderTable.read(c);
                if (seen == null || !sameLeader(seen, now)) {
                    observer.standingBy(now);
                    seen = now;
                }
                lastProblem = null;
            } catch (SQLException e) {
                String problem = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                if (isConfigurationError(e)) {
                    closeQuietly(c);
                    throw new IllegalStateException("cannot use the database: " + problem);
                }
                if (!problem.equals(lastProblem)) {
                    observer.unreachable(problem);
                    log.warn("election: {}", problem);
                    lastProblem = problem;
                }
                closeQuietly(c);
                c = null;
                Thread.sleep(Math.max(1000, timing.poll().toMillis()));
                continue;
            } catch (RuntimeException e) {
                closeQuietly(c);
                throw e;
            }
            Thread.sleep(timing.poll().toMillis());
        }
        closeQuietly(c);
        throw new InterruptedException("stopped while standing by");
    }

    /**
     * The election's session: client-side timeouts so that a stuck statement fails, and server-side ones so
     * that PostgreSQL ends the session (and frees the lock) of a leader that went silent.
     */
    private Connection connect() throws SQLException {
        Properties p = new Properties();
        long socket = Math.max(1, timing.socketTimeout().toSeconds());
        p.setProperty("connectTimeout", Long.toString(socket));
        p.setProperty("socketTimeout", Long.toString(socket));
        p.setProperty("loginTimeout", Long.toString(socket));
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "computegrid-election " + me.holder());
        Connection c = pg.connect(p);
        try (Statement st = c.createStatement()) {
            long idle = timing.serverIdleTimeout().toMillis();
            setQuietly(st, "idle_session_timeout", idle + "ms"); // PostgreSQL 14+
            setQuietly(st, "tcp_keepalives_idle", Long.toString(Math.max(1, idle / 4000)));
            setQuietly(st, "tcp_keepalives_interval", "1");
            setQuietly(st, "tcp_keepalives_count", "3");
            setQuietly(st, "tcp_user_timeout", Long.toString(idle));
        }
        return c;
    }

    private static void setQuietly(Statement st, String name, String value) {
        try {
            st.execute("SELECT set_config('" + name + "', '" + value + "', false)");
        } catch (SQLException e) {
            log.debug("election session: {} not set: {}", name, e.getMessage());
        }
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(" + Fencing.LOCK_CLASS + ", "
                     + Fencing.ELECTION + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * Waiting does not fix a wrong password, user or database name (SQLSTATE class 28, 3D000): the server stops
     * with the reason instead. An unreachable or restarting database is waited out.
     */
    static boolean isConfigurationError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("28") || state.equals("3D000"));
    }

    private static boolean sameLeader(Optional<LeaderRecord> a, Optional<LeaderRecord> b) {
        return a.isPresent() == b.isPresent() && (a.isEmpty() || (a.get().epoch() == b.get().epoch()
                && Objects.equals(a.get().released(), b.get().released())));
    }

    static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // the session is gone either way
            }
        }
    }
}
