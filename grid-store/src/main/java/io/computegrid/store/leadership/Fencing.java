package io.computegrid.store.leadership;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The fencing epoch on every write (docs/decisions/ha-fencing.md). Each table of the schema carries a
 * statement-level trigger that lets a statement through only when its session's {@code grid.epoch}
 * equals the current leadership epoch, holding the shared FENCE lock to the end of the transaction. A
 * new leader raises the epoch under the exclusive FENCE lock, so it first waits for every write of the
 * old epoch in flight, and no write of the old epoch commits after it. A refused write fails with
 * SQLSTATE {@value #SQLSTATE}.
 */
public final class Fencing {
    /** The SQLSTATE of a write refused because its epoch is not the current one. */
    public static final String SQLSTATE = "GF001";
    public static final String SCHEMA = "grid_leadership";
    static final int LOCK_CLASS = 0x47524944; // "GRID": advisory locks of computegrid
    static final int ELECTION = 1;
    static final int FENCE = 2;
    static final String TRIGGER = "grid_fence";
    /** Tables that are never fenced: the election's own and Flyway's history. */
    static final List<String> UNFENCED = List.of("flyway_schema_history");

    private Fencing() {
    }

    /** Run on every pooled connection of the leader: its epoch, and no transaction left open for long. */
    public static String connectionInitSql(long epoch) {
        return "SELECT set_config('grid.epoch', '" + epoch + "', false), "
                + "set_config('idle_in_transaction_session_timeout', '60s', false)";
    }

    /**
     * The trigger function. A transaction that has passed the check once skips it afterwards
     * ({@code grid.fenced} is transaction-local): the shared lock it took still holds. A transaction at
     * REPEATABLE READ or above reads the epoch row FOR SHARE, which fails once the row changed after its
     * snapshot.
     */
    static void installFunction(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            st.execute("""
                    CREATE OR REPLACE FUNCTION %1$s.fence() RETURNS trigger LANGUAGE plpgsql AS $fence$
                    DECLARE
                        mine text := current_setting('grid.epoch', true);
                        cur bigint;
                    BEGIN
                        IF mine <> '' AND current_setting('grid.fenced', true) = mine THEN
                            RETURN NULL;
                        END IF;
                        PERFORM pg_advisory_xact_lock_shared(%2$d, %3$d);
                        IF current_setting('transaction_isolation') = 'read committed' THEN
                            SELECT epoch INTO cur FROM %1$s.leader WHERE id = 1;
                        ELSE
                            SELECT epoch INTO cur FROM %1$s.leader WHERE id = 1 FOR SHARE;
                        END IF;
                        IF mine IS NULL OR mine = '' OR cur IS NULL OR mine <> cur::text THEN
                            RAISE EXCEPTION 'fenced: a write of leadership epoch %% while the current epoch is %%',
                                    coalesce(nullif(mine, ''), 'none'), coalesce(cur::text, 'none')
                                USING ERRCODE = '%4$s',
                                      HINT = 'another computegrid server is the active one; this one must stop';
                        END IF;
                        PERFORM set_config('grid.fenced', mine, true);
                        RETURN NULL;
                    END
                    $fence$""".formatted(SCHEMA, LOCK_CLASS, FENCE, SQLSTATE));
        }
    }

    /**
     * Adds the trigger to every table of the current schema that lacks it (run by the leader after the
     * migrations, so tables added by any later migration are fenced with no work by their authors).
     * Returns the tables it fenced now.
     */
    public static List<String> installTriggers(Connection c) throws SQLException {
        List<String> missing = unfencedTables(c);
        missing.removeAll(UNFENCED);
        try (Statement st = c.createStatement()) {
            for (String t : missing) {
                st.execute("CREATE TRIGGER " + TRIGGER + " BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
                        + quote(t) + " FOR EACH STATEMENT EXECUTE FUNCTION " + SCHEMA + ".fence()");
            }
        }
        return missing;
    }

    /** The tables of the current schema without the fence's trigger (Flyway's history among them). */
    public static List<String> unfencedTables(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
                       AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = '%s')
                     ORDER BY c.relname""".formatted(TRIGGER))) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** True when {@code e} (or a cause) is a write refused by the fence. */
    public static boolean isFenced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                for (SQLException x = s; x != null; x = x.getNextException()) {
                    if (SQLSTATE.equals(x.getSQLState())) {
                        return true;
                    }
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String quote(String ident) {
        return "\"" + ident.replace("\"", "\"\"") + "\"";
    }
}
