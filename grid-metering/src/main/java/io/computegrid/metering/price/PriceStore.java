package io.computegrid.metering.price;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** Prices set through the API, kept in {@code metering_price} (configured prices live in the federation file). */
public final class PriceStore {
    static OffsetDateTime ts(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    public List<PriceEntry> load(Handle h) {
        return h.createQuery("select * from metering_price order by id").map((rs, ctx) -> map(rs)).list();
    }

    /** Serialises price changes: a change reads and writes the book as one step. */
    public void lock(Handle h) {
        h.execute("lock table metering_price in share row exclusive mode");
    }

    public long insert(Handle h, PriceEntry e, String by, Instant now) {
        return h.createQuery("insert into metering_price (center, pool, model, on_demand, preemptible, cpu_core_hour, "
                        + "memory_gib_hour, valid_from, valid_to, set_by, set_at) values (:c, :p, :m, :od::numeric, "
                        + ":pre::numeric, :cpu::numeric, :mem::numeric, :f, :t, :by, :now) returning id")
                .bind("c", e.center()).bind("p", e.pool()).bind("m", e.model())
                .bind("od", e.onDemand().toPlainString())
                .bind("pre", e.preemptible() == null ? null : e.preemptible().toPlainString())
                .bind("cpu", e.cpuCoreHour().toPlainString()).bind("mem", e.memoryGiBHour().toPlainString())
                .bind("f", ts(e.from())).bind("t", ts(e.to())).bind("by", by).bind("now", ts(now))
                .mapTo(Long.class).one();
    }

    public void close(Handle h, long id, Instant to) {
        h.createUpdate("update metering_price set valid_to = :t where id = :id").bind("t", ts(to)).bind("id", id)
                .execute();
    }

    private static PriceEntry map(ResultSet rs) throws SQLException {
        OffsetDateTime f = rs.getObject("valid_from", OffsetDateTime.class);
        OffsetDateTime t = rs.getObject("valid_to", OffsetDateTime.class);
        BigDecimal pre = rs.getBigDecimal("preemptible");
        return new PriceEntry(rs.getLong("id"), rs.getString("center"), rs.getString("pool"), rs.getString("model"),
                rs.getBigDecimal("on_demand"), pre, rs.getBigDecimal("cpu_core_hour"),
                rs.getBigDecimal("memory_gib_hour"), f == null ? null : f.toInstant(), t == null ? null : t.toInstant(),
                PriceEntry.Source.API);
    }
}
