package io.computegrid.metering.voucher;

import io.computegrid.metering.money.Money;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Vouchers in {@code metering_voucher}; {@code remaining} mirrors the voucher's ledger account. */
public final class VoucherStore {
    private final Money money;

    public VoucherStore(Money money) {
        this.money = money;
    }

    static OffsetDateTime ts(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    /** Inserts a new voucher (remaining = amount) and returns it with its id; empty if the key was used. */
    public Optional<Voucher> insert(Handle h, Voucher v, String idemKey) {
        return h.createQuery("insert into metering_voucher (tenant, issuer, amount, remaining, share, valid_from, "
                        + "valid_to, centers, models, state, created_at, idem_key) values (:tenant, :issuer, "
                        + ":amount::numeric, :amount::numeric, :share::numeric, :vf, :vt, :centers, :models, 'ACTIVE', "
                        + ":created, :key) on conflict (idem_key) do nothing returning *")
                .bind("tenant", v.tenant()).bind("issuer", v.issuer()).bind("amount", v.amount().toPlainString())
                .bind("share", v.share().toPlainString()).bind("vf", ts(v.validFrom())).bind("vt", ts(v.validTo()))
                .bindArray("centers", String.class, v.centers()).bindArray("models", String.class, v.models())
                .bind("created", ts(v.createdAt())).bind("key", idemKey)
                .map((rs, ctx) -> map(rs)).findOne();
    }

    public Optional<Voucher> find(Handle h, long id, boolean forUpdate) {
        return h.createQuery("select * from metering_voucher where id = :id" + (forUpdate ? " for update" : ""))
                .bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    public List<Voucher> list(Handle h, String tenant) {
        return h.createQuery("select * from metering_voucher where (:t::text is null or tenant = :t) order by id")
                .bind("t", tenant).map((rs, ctx) -> map(rs)).list();
    }

    /** Locks and returns the tenants' active vouchers with money left, in allocation order. */
    public List<Voucher> lockActive(Handle h, Collection<String> tenants) {
        return h.createQuery("select * from metering_voucher where tenant = any(:t) and state = 'ACTIVE' "
                        + "and remaining > 0 order by valid_to, id for update")
                .bindArray("t", String.class, List.copyOf(tenants)).map((rs, ctx) -> map(rs)).list();
    }

    /** Active vouchers whose validity has ended by {@code now}, locked. */
    public List<Voucher> lockDue(Handle h, Instant now) {
        return h.createQuery("select * from metering_voucher where state = 'ACTIVE' and valid_to <= :now "
                        + "order by id for update")
                .bind("now", ts(now)).map((rs, ctx) -> map(rs)).list();
    }

    public void setRemaining(Handle h, Map<Long, BigDecimal> remaining) {
        if (remaining.isEmpty()) {
            return;
        }
        List<Long> ids = List.copyOf(remaining.keySet());
        h.createUpdate("update metering_voucher v set remaining = x.r::numeric from unnest(:id, :r) as x(id, r) "
                        + "where v.id = x.id")
                .bindArray("id", Long.class, ids)
                .bindArray("r", String.class, ids.stream().map(i -> remaining.get(i).toPlainString()).toList())
                .execute();
    }

    public void markExpired(Handle h, long id) {
        h.createUpdate("update metering_voucher set state = 'EXPIRED', remaining = 0 where id = :id").bind("id", id)
                .execute();
    }

    Voucher map(ResultSet rs) throws SQLException {
        return new Voucher(rs.getLong("id"), rs.getString("tenant"), rs.getString("issuer"),
                money.of(rs.getBigDecimal("amount")), money.of(rs.getBigDecimal("remaining")),
                rs.getBigDecimal("share").stripTrailingZeros(),
                rs.getObject("valid_from", OffsetDateTime.class).toInstant(),
                rs.getObject("valid_to", OffsetDateTime.class).toInstant(), strings(rs.getArray("centers")),
                strings(rs.getArray("models")), Voucher.State.valueOf(rs.getString("state")),
                rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }

    static List<String> strings(Array a) throws SQLException {
        if (a == null) {
            return List.of();
        }
        return Arrays.stream((Object[]) a.getArray()).map(String::valueOf).toList();
    }
}
