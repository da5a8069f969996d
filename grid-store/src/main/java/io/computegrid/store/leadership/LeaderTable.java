package io.computegrid.store.leadership;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * The SQL of the election's one-row table {@code grid_leadership.leader}. It lives in its own schema,
 * created by the first winner before any migration ran (Flyway would refuse a non-empty schema), and is
 * never fenced: it is what the fence compares against.
 */
final class LeaderTable {
    static final String TABLE = Fencing.SCHEMA + ".leader";

    private LeaderTable() {
    }

    static void create(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + Fencing.SCHEMA);
            st.execute("""
                    CREATE TABLE IF NOT EXISTS %s (
                        id          INT PRIMARY KEY CHECK (id = 1),
                        epoch       BIGINT NOT NULL CHECK (epoch > 0),
                        holder      TEXT NOT NULL,
                        url         TEXT,
                        acquired_at TIMESTAMPTZ NOT NULL,
                        renewed_at  TIMESTAMPTZ NOT NULL,
                        released_at TIMESTAMPTZ
                    )""".formatted(TABLE));
        }
    }

    /** The row, or empty when no server ever led on this database. */
    static Optional<LeaderRecord> read(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_regclass('" + TABLE + "') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return Optional.empty();
            }
        }
        return select(c, "");
    }

    private static Optional<LeaderRecord> select(Connection c, String suffix) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT epoch, holder, url, acquired_at, renewed_at, released_at, now() FROM "
                     + TABLE + " WHERE id = 1" + suffix)) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new LeaderRecord(rs.getLong(1), rs.getString(2), rs.getString(3), instant(rs, 4),
                    instant(rs, 5), instant(rs, 6), instant(rs, 7)));
        }
    }

    /**
     * Takes the next epoch, in one transaction on the election session: first the exclusive FENCE lock,
     * which waits until every write of the old epoch in flight has finished. Returns the record before
     * (empty on a new database) and the new epoch.
     */
    static Won bump(Connection c, String holder, String url) throws SQLException {
        boolean auto = c.getAutoCommit();
        int timeout = c.getNetworkTimeout();
        // waiting for the old epoch's transactions may outlast the session's short socket timeout; PostgreSQL
        // ends those within idle_in_transaction_session_timeout (Fencing.connectionInitSql) at the latest
        c.setNetworkTimeout(Runnable::run, BUMP_TIMEOUT_MILLIS);
        c.setAutoCommit(false);
        try {
            create(c);
            Fencing.installFunction(c);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + Fencing.LOCK_CLASS + ", " + Fencing.FENCE + ")");
            }
            Optional<LeaderRecord> before = select(c, " FOR UPDATE");
            long epoch;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO %1$s(id, epoch, holder, url, acquired_at, renewed_at) VALUES (1, 1, ?, ?, now(), now())
                    ON CONFLICT (id) DO UPDATE SET epoch = %1$s.epoch + 1, holder = EXCLUDED.holder, url = EXCLUDED.url,
                        acquired_at = now(), renewed_at = now(), released_at = NULL
                    RETURNING epoch""".formatted(TABLE))) {
                ps.setString(1, holder);
                ps.setString(2, url);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    epoch = rs.getLong(1);
                }
            }
            c.commit();
            return new Won(epoch, before);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
            c.setNetworkTimeout(Runnable::run, timeout);
        }
    }

    /** Longer than the pool's idle_in_transaction_session_timeout (60 s): old transactions end before it. */
    static final int BUMP_TIMEOUT_MILLIS = 90_000;

    record Won(long epoch, Optional<LeaderRecord> before) {
    }

    /** The leader's renewal; false when the epoch moved on (another server won). */
    static boolean renew(Connection c, long epoch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE + " SET renewed_at = now() WHERE id = 1 AND epoch = ?")) {
            ps.setLong(1, epoch);
            return ps.executeUpdate() == 1;
        }
    }

    /** A clean step-down: the next leader need not wait for this one's lease to run out. */
    static void release(Connection c, long epoch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE + " SET released_at = now() WHERE id = 1 AND epoch = ?")) {
            ps.setLong(1, epoch);
            ps.executeUpdate();
        }
    }

    private static Instant instant(ResultSet rs, int col) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }
}
