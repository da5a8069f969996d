package io.computegrid.metering.ledger;

import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Recomputes the books from first principles and lists every difference (there should be none):
 * every transaction balances; each tenant's cached balance and each voucher's remainder equal the
 * sum of their entries; every priced usage record has exactly one charge whose payers cover its
 * cost; a tenant's charges equal the sum of its usage costs; no two intervals of one task attempt
 * overlap; no voucher paid outside its validity, scope or amount, nor more than its share of the
 * seconds of a record it was valid for.
 */
public final class LedgerCheck {
    private LedgerCheck() {
    }

    public static List<Difference> run(Handle h) {
        return run(h, new java.math.BigDecimal("0.01"));
    }

    /**
     * As {@link #run(Handle)}; {@code minorUnit} is the currency's smallest amount, the rounding a voucher's
     * pieces of one charge may add up to (five of them are allowed per record).
     */
    public static List<Difference> run(Handle h, java.math.BigDecimal minorUnit) {
        List<Difference> out = new ArrayList<>();
        h.createQuery("select txn_id, sum(amount) from metering_entry group by txn_id having sum(amount) <> 0")
                .map((rs, ctx) -> new Difference("transaction balances", "txn " + rs.getLong(1), "0",
                        rs.getBigDecimal(2).toPlainString())).forEach(out::add);
        h.createQuery("select a.tenant, a.balance, coalesce(s.total, 0) from metering_account a left join "
                        + "(select account, sum(amount) total from metering_entry group by account) s on s.account = a.id "
                        + "where a.balance <> coalesce(s.total, 0)")
                .map((rs, ctx) -> new Difference("tenant balance equals its entries", "tenant " + rs.getString(1),
                        rs.getBigDecimal(3).toPlainString(), rs.getBigDecimal(2).toPlainString())).forEach(out::add);
        h.createQuery("select v.id, v.remaining, coalesce(s.total, 0) from metering_voucher v left join "
                        + "(select account, sum(amount) total from metering_entry where account like 'voucher:%' "
                        + "group by account) s on s.account = 'voucher:' || v.id where v.remaining <> coalesce(s.total, 0)")
                .map((rs, ctx) -> new Difference("voucher remainder equals its entries", "voucher " + rs.getLong(1),
                        rs.getBigDecimal(3).toPlainString(), rs.getBigDecimal(2).toPlainString())).forEach(out::add);
        h.createQuery("select v.id, v.amount, coalesce(s.used, 0) from metering_voucher v join "
                        + "(select e.account, -sum(e.amount) used from metering_entry e join metering_txn x on x.id = e.txn_id "
                        + "where x.kind = 'CHARGE' and e.account like 'voucher:%' group by e.account) s "
                        + "on s.account = 'voucher:' || v.id where s.used > v.amount")
                .map((rs, ctx) -> new Difference("voucher pays at most its amount", "voucher " + rs.getLong(1),
                        "<= " + rs.getBigDecimal(2).toPlainString(), rs.getBigDecimal(3).toPlainString()))
                .forEach(out::add);
        h.createQuery("select u.id, u.cost, count(x.id), coalesce(sum(p.paid), 0) from metering_usage u "
                        + "left join metering_txn x on x.usage_id = u.id and x.kind = 'CHARGE' "
                        + "left join (select e.txn_id, -sum(e.amount) paid from metering_entry e "
                        + "where e.account like 'tenant:%' or e.account like 'voucher:%' group by e.txn_id) p "
                        + "on p.txn_id = x.id group by u.id, u.cost "
                        + "having (u.cost > 0 and (count(x.id) <> 1 or coalesce(sum(p.paid), 0) <> u.cost)) "
                        + "or (u.cost = 0 and count(x.id) <> 0)")
                .map((rs, ctx) -> new Difference("usage charged exactly once for its cost", "usage " + rs.getLong(1),
                        "1 charge of " + rs.getBigDecimal(2).toPlainString(),
                        rs.getLong(3) + " charges paying " + rs.getBigDecimal(4).toPlainString())).forEach(out::add);
        h.createQuery("select id, cost, paid_by_vouchers + paid_by_balance from metering_usage "
                        + "where cost <> paid_by_vouchers + paid_by_balance or cost < 0")
                .map((rs, ctx) -> new Difference("usage split adds up", "usage " + rs.getLong(1),
                        rs.getBigDecimal(2).toPlainString(), rs.getBigDecimal(3).toPlainString())).forEach(out::add);
        h.createQuery("select x.tenant, coalesce(sum(-e.amount), 0), (select coalesce(sum(cost), 0) from metering_usage u "
                        + "where u.tenant = x.tenant) from metering_txn x join metering_entry e on e.txn_id = x.id "
                        + "where x.kind = 'CHARGE' and (e.account like 'tenant:%' or e.account like 'voucher:%') "
                        + "group by x.tenant having coalesce(sum(-e.amount), 0) <> (select coalesce(sum(cost), 0) "
                        + "from metering_usage u where u.tenant = x.tenant)")
                .map((rs, ctx) -> new Difference("tenant charges equal its priced usage", "tenant " + rs.getString(1),
                        rs.getBigDecimal(3).toPlainString(), rs.getBigDecimal(2).toPlainString())).forEach(out::add);
        h.createQuery("select id, job_id, attempt, task_index from (select id, job_id, attempt, task_index, started_at, "
                        + "lag(ended_at) over (partition by job_id, attempt, task_index order by started_at, id) prev_end "
                        + "from metering_usage) t where prev_end > started_at")
                .map((rs, ctx) -> new Difference("task intervals do not overlap", "usage " + rs.getLong(1) + " (job "
                        + rs.getLong(2) + " attempt " + rs.getInt(3) + " task " + rs.getInt(4) + ")", "no overlap",
                        "overlaps the previous interval")).forEach(out::add);
        h.createQuery("select u.id, v.id from metering_usage u join metering_txn x on x.usage_id = u.id "
                        + "join metering_entry e on e.txn_id = x.id and e.account like 'voucher:%' "
                        + "join metering_voucher v on e.account = 'voucher:' || v.id "
                        + "where u.ended_at <= v.valid_from or u.started_at >= v.valid_to or v.tenant <> u.tenant "
                        + "or (cardinality(v.centers) > 0 and not u.center = any(v.centers)) "
                        + "or (cardinality(v.models) > 0 and not u.accelerator = any(v.models))")
                .map((rs, ctx) -> new Difference("voucher pays only within validity and scope", "usage "
                        + rs.getLong(1), "not paid by voucher " + rs.getLong(2), "paid by it")).forEach(out::add);
        // a record that crosses a validity edge: the voucher pays at most its share of the seconds inside
        h.createQuery("select u.id, v.id, -sum(e.amount) paid, u.cost * v.share * extract(epoch from "
                        + "(least(u.ended_at, v.valid_to) - greatest(u.started_at, v.valid_from))) "
                        + "/ extract(epoch from (u.ended_at - u.started_at)) allowed "
                        + "from metering_usage u join metering_txn x on x.usage_id = u.id "
                        + "join metering_entry e on e.txn_id = x.id and e.account like 'voucher:%' "
                        + "join metering_voucher v on e.account = 'voucher:' || v.id "
                        + "where u.ended_at > u.started_at and (u.started_at < v.valid_from or u.ended_at > v.valid_to) "
                        + "and u.ended_at > v.valid_from and u.started_at < v.valid_to "
                        + "group by u.id, v.id, u.cost, v.share, u.started_at, u.ended_at, v.valid_from, v.valid_to "
                        + "having -sum(e.amount) > u.cost * v.share * extract(epoch from "
                        + "(least(u.ended_at, v.valid_to) - greatest(u.started_at, v.valid_from))) "
                        + "/ extract(epoch from (u.ended_at - u.started_at)) + :tol")
                .bind("tol", minorUnit.multiply(java.math.BigDecimal.valueOf(5)))
                .map((rs, ctx) -> new Difference("voucher pays only for the seconds it was valid", "usage "
                        + rs.getLong(1) + " (voucher " + rs.getLong(2) + ")", "<= " + rs.getBigDecimal(4)
                        .setScale(4, java.math.RoundingMode.HALF_EVEN).toPlainString(),
                        rs.getBigDecimal(3).toPlainString())).forEach(out::add);
        return out;
    }
}
