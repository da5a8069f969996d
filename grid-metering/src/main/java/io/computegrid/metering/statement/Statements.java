package io.computegrid.metering.statement;

import io.computegrid.metering.ledger.Accounts;
import io.computegrid.metering.money.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** Builds statements and settlement reports with aggregate queries (a month of 100,000 records is a few scans). */
public final class Statements {
    private static final BigDecimal HOUR = BigDecimal.valueOf(3600);
    private final Money money;

    public Statements(Money money) {
        this.money = money;
    }

    public static Instant start(YearMonth m) {
        return m.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    static OffsetDateTime ts(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    static BigDecimal hours(BigDecimal seconds) {
        return seconds == null ? BigDecimal.ZERO.setScale(6) : seconds.divide(HOUR, 6, RoundingMode.HALF_EVEN);
    }

    public Statement statement(Handle h, String tenant, YearMonth month) {
        Instant from = start(month);
        Instant to = start(month.plusMonths(1));
        List<Statement.Line> lines = h.createQuery("select job_id, accelerator, center, count(*), sum(card_seconds), "
                        + "sum(pflop_seconds), sum(cost), sum(paid_by_vouchers), sum(paid_by_balance) from metering_usage "
                        + "where tenant = :t and ended_at >= :f and ended_at < :e "
                        + "group by job_id, accelerator, center order by job_id, accelerator, center")
                .bind("t", tenant).bind("f", ts(from)).bind("e", ts(to))
                .map((rs, ctx) -> new Statement.Line(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        hours(rs.getBigDecimal(5)), hours(rs.getBigDecimal(6)), money.of(rs.getBigDecimal(7)),
                        money.of(rs.getBigDecimal(8)), money.of(rs.getBigDecimal(9))))
                .list();
        BigDecimal total = money.zero();
        BigDecimal byVouchers = money.zero();
        BigDecimal byBalance = money.zero();
        BigDecimal cardHours = BigDecimal.ZERO.setScale(6);
        BigDecimal pflopHours = BigDecimal.ZERO.setScale(6);
        long records = 0;
        for (Statement.Line l : lines) {
            total = total.add(l.cost());
            byVouchers = byVouchers.add(l.paidByVouchers());
            byBalance = byBalance.add(l.paidByBalance());
            cardHours = cardHours.add(l.cardHours());
            pflopHours = pflopHours.add(l.pflopHours());
            records += l.records();
        }
        String account = Accounts.tenant(tenant);
        BigDecimal opening = sumEntries(h, account, null, from);
        BigDecimal closing = sumEntries(h, account, null, to);
        BigDecimal topUps = money.of(h.createQuery("select coalesce(sum(e.amount), 0) from metering_txn x "
                        + "join metering_entry e on e.txn_id = x.id where x.tenant = :t and x.kind = 'TOPUP' "
                        + "and e.account = :a and x.at >= :f and x.at < :e")
                .bind("t", tenant).bind("a", account).bind("f", ts(from)).bind("e", ts(to))
                .mapTo(BigDecimal.class).one());
        List<Statement.VoucherUse> vouchers = h.createQuery("select v.id, v.issuer, -sum(e.amount), v.remaining "
                        + "from metering_txn x join metering_entry e on e.txn_id = x.id "
                        + "join metering_voucher v on e.account = 'voucher:' || v.id "
                        + "where x.tenant = :t and x.kind = 'CHARGE' and x.at >= :f and x.at < :e "
                        + "and e.account like 'voucher:%' group by v.id, v.issuer, v.remaining order by v.id")
                .bind("t", tenant).bind("f", ts(from)).bind("e", ts(to))
                .map((rs, ctx) -> new Statement.VoucherUse(rs.getLong(1), rs.getString(2),
                        money.of(rs.getBigDecimal(3)), money.of(rs.getBigDecimal(4))))
                .list();
        return new Statement(tenant, month.toString(), money.currency(), from.toString(), to.toString(), total,
                byVouchers, byBalance, topUps, opening, closing, records, cardHours, pflopHours, lines, vouchers);
    }

    private BigDecimal sumEntries(Handle h, String account, Instant from, Instant before) {
        return money.of(h.createQuery("select coalesce(sum(e.amount), 0) from metering_entry e "
                        + "join metering_txn x on x.id = e.txn_id where e.account = :a and x.at < :b")
                .bind("a", account).bind("b", ts(before)).mapTo(BigDecimal.class).one());
    }

    public Settlement settlement(Handle h, YearMonth month, String provider) {
        Instant from = start(month);
        Instant to = start(month.plusMonths(1));
        Map<String, List<Settlement.Line>> lines = new LinkedHashMap<>();
        h.createQuery("select provider, center, tenant, count(*), sum(card_seconds), sum(cost), sum(fee) "
                        + "from metering_usage where ended_at >= :f and ended_at < :e "
                        + "and (:p::text is null or provider = :p) and cost > 0 "
                        + "group by provider, center, tenant order by provider, center, tenant")
                .bind("f", ts(from)).bind("e", ts(to)).bind("p", provider)
                .map((rs, ctx) -> {
                    BigDecimal gross = money.of(rs.getBigDecimal(6));
                    BigDecimal fees = money.of(rs.getBigDecimal(7));
                    return Map.entry(rs.getString(1), new Settlement.Line(rs.getString(2), rs.getString(3),
                            rs.getLong(4), hours(rs.getBigDecimal(5)), gross, fees, gross.subtract(fees)));
                })
                .forEach(e -> lines.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        List<Settlement.Provider> providers = new ArrayList<>();
        for (Map.Entry<String, List<Settlement.Line>> e : lines.entrySet()) {
            BigDecimal gross = money.zero();
            BigDecimal fees = money.zero();
            for (Settlement.Line l : e.getValue()) {
                gross = gross.add(l.gross());
                fees = fees.add(l.fees());
            }
            BigDecimal settled = money.of(h.createQuery("select coalesce(sum(-e.amount), 0) from metering_txn x "
                            + "join metering_entry e on e.txn_id = x.id where x.kind = 'SETTLEMENT' "
                            + "and x.idem_key = :k and e.account = :a")
                    .bind("k", settlementKey(e.getKey(), month)).bind("a", Accounts.provider(e.getKey()))
                    .mapTo(BigDecimal.class).one());
            providers.add(new Settlement.Provider(e.getKey(), gross, fees, gross.subtract(fees), settled,
                    List.copyOf(e.getValue())));
        }
        return new Settlement(month.toString(), money.currency(), providers);
    }

    public static String settlementKey(String provider, YearMonth month) {
        return "settle:" + provider + ":" + month;
    }
}
