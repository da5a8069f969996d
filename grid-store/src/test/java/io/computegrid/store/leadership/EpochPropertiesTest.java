package io.computegrid.store.leadership;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever the order of clean hand-overs, killed leader sessions and writes: the epoch only grows, and a
 * write at any epoch but the current one never changes a row (it fails with the fence's SQLSTATE).
 */
class EpochPropertiesTest {
    enum Step { HAND_OVER, KILL_LEADER_SESSION, WRITE_STALE, WRITE_CURRENT, WRITE_FUTURE }

    static SharedPostgres shared;
    static Lease leader;
    static int names;

    @BeforeContainer
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("grid-epoch-props");
        shared = new SharedPostgres(dir);
        leader = SharedPostgres.lead(shared.candidate("p" + names++));
        Database.open(shared.target, leader).close(); // migrations and fencing once; the lease stays
    }

    @AfterContainer
    static void stop() {
        leader.close();
        shared.close();
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        return Arbitraries.of(Step.class).list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 15)
    void theEpochOnlyGrowsAndAStaleEpochNeverWrites(@ForAll("steps") List<Step> steps) throws Exception {
        for (Step s : steps) {
            long before = leader.epoch();
            switch (s) {
                case HAND_OVER -> {
                    leader.close();
                    leader = SharedPostgres.lead(shared.candidate("p" + names++));
                    assertThat(leader.epoch()).isGreaterThan(before);
                }
                case KILL_LEADER_SESSION -> {
                    Lease old = leader;
                    shared.terminateSessionOf("p" + (names - 1));
                    leader = SharedPostgres.lead(shared.candidate("p" + names++));
                    assertThat(leader.epoch()).isGreaterThan(before);
                    old.close();
                }
                case WRITE_STALE -> assertRefused(before - 1 - (before > 2 ? before % 2 : 0));
                case WRITE_FUTURE -> assertRefused(before + 1);
                case WRITE_CURRENT -> assertThat(write(before)).isNull();
            }
            assertThat(currentEpoch()).isEqualTo(leader.epoch()).isGreaterThanOrEqualTo(before);
        }
    }

    private void assertRefused(long epoch) throws SQLException {
        long rows = count();
        assertThat(write(epoch)).as("write at epoch " + epoch + " (current " + leader.epoch() + ")")
                .isEqualTo(Fencing.SQLSTATE);
        assertThat(count()).isEqualTo(rows);
    }

    /** Inserts one row at {@code epoch}; null when it committed, else the SQLSTATE of the failure. */
    private static String write(long epoch) throws SQLException {
        try (Connection c = shared.raw(); Statement st = c.createStatement()) {
            st.execute("SELECT set_config('grid.epoch', '" + epoch + "', false)");
            st.execute("INSERT INTO events(type, message) VALUES ('PROPERTY', 'epoch " + epoch + "')");
            return null;
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    private static long count() throws SQLException {
        try (Connection c = shared.raw(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long currentEpoch() throws SQLException {
        return shared.record().orElseThrow().epoch();
    }
}
