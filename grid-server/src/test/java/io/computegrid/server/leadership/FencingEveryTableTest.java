package io.computegrid.server.leadership;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.store.Database;
import io.computegrid.store.leadership.Fencing;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every table of the schema, as every module's migrations leave it (store, metering and whatever later parts
 * add), is fenced: each kind of write with a stale epoch fails with the fence's SQLSTATE and changes nothing,
 * and the same write at the current epoch goes through. A table nobody fenced fails this test.
 */
class FencingEveryTableTest {
    @TempDir
    Path dir;

    @Test
    void everyTableRefusesEveryKindOfWriteOfAStaleEpoch() throws Exception {
        try (Database db = Database.embedded(dir)) {
            long epoch = db.lease().epoch();
            List<String> tables = new ArrayList<>();
            try (Connection c = db.dataSource().getConnection()) {
                assertThat(Fencing.unfencedTables(c)).containsExactly("flyway_schema_history");
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                        SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = current_schema() AND relkind IN ('r', 'p') AND relname <> 'flyway_schema_history'
                        ORDER BY relname""")) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
            }
            assertThat(tables).contains("jobs", "tasks", "card_allocations", "events", "tenants", "settings",
                    "idempotency_keys", "metering_usage", "metering_entry");
            for (String t : tables) {
                String col = firstColumn(db, t);
                List<String> writes = List.of(
                        "INSERT INTO " + t + " SELECT * FROM " + t + " WHERE false",
                        "UPDATE " + t + " SET " + col + " = " + col + " WHERE false",
                        "DELETE FROM " + t + " WHERE false",
                        "TRUNCATE " + t + " CASCADE");
                for (String w : writes) {
                    assertThat(write(db, epoch - 1, w)).as("%s at stale epoch %d", w, epoch - 1).isEqualTo(Fencing.SQLSTATE);
                    assertThat(write(db, epoch + 1, w)).as("%s at unknown epoch %d", w, epoch + 1).isEqualTo(Fencing.SQLSTATE);
                    assertThat(write(db, epoch, w)).as("%s at the current epoch", w).isNull();
                }
            }
        }
    }

    /** Runs one write in a transaction that is rolled back; null when the statement was allowed, else its SQLSTATE. */
    static String write(Database db, long epoch, String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                st.execute("SELECT set_config('grid.epoch', '" + epoch + "', true)");
                st.execute(sql);
                return null;
            } catch (SQLException e) {
                return e.getSQLState();
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }

    static String firstColumn(Database db, String table) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT attname FROM pg_attribute WHERE attrelid = '" + table
                     + "'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum LIMIT 1")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
