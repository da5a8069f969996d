package io.computegrid.metering.ledger;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Writes balanced transactions to {@code metering_txn} / {@code metering_entry}, many at a time
 * (a metering slice of 10,000 tasks is three statements), and reads account balances back.
 */
public final class LedgerStore {
    /** A transaction to post; {@code entries} must balance (see {@link Posting}). */
    public record NewTxn(Posting.Kind kind, Instant at, String tenant, Long usageId, Long voucherId, String memo,
                         String idemKey, List<Entry> entries) {
        public NewTxn {
            if (Posting.sum(entries).signum() != 0) {
                throw new IllegalStateException("unbalanced transaction " + kind + " " + entries);
            }
        }
    }

    public static List<Long> nextIds(Handle h, String sequence, int n) {
        if (n == 0) {
            return List.of();
        }
        return h.createQuery("select nextval('" + sequence + "') from generate_series(1, :n)").bind("n", n)
                .mapTo(Long.class).list();
    }

    /** Posts the transactions and returns their ids, in order. */
    public List<Long> post(Handle h, List<NewTxn> txns) {
        if (txns.isEmpty()) {
            return List.of();
        }
        List<Long> ids = nextIds(h, "metering_txn_id_seq", txns.size());
        List<String> kinds = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        List<String> tenants = new ArrayList<>();
        List<Long> usage = new ArrayList<>();
        List<Long> vouchers = new ArrayList<>();
        List<String> memos = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<Long> eTxn = new ArrayList<>();
        List<String> eAccount = new ArrayList<>();
        List<String> eAmount = new ArrayList<>();
        for (int i = 0; i < txns.size(); i++) {
            NewTxn t = txns.get(i);
            kinds.add(t.kind().name());
            at.add(t.at().toEpochMilli());
            tenants.add(t.tenant());
            usage.add(t.usageId());
            vouchers.add(t.voucherId());
            memos.add(t.memo());
            keys.add(t.idemKey());
            for (Entry e : t.entries()) {
                eTxn.add(ids.get(i));
                eAccount.add(e.account());
                eAmount.add(e.amount().toPlainString());
            }
        }
        h.createUpdate("insert into metering_txn (id, kind, at, tenant, usage_id, voucher_id, memo, idem_key) "
                        + "select x.id, x.kind, timestamptz 'epoch' + x.at * interval '1 millisecond', x.tenant, "
                        + "x.usage_id, x.voucher_id, x.memo, x.idem_key "
                        + "from unnest(:id, :kind, :at, :tenant, :usage, :voucher, :memo, :key) "
                        + "as x(id, kind, at, tenant, usage_id, voucher_id, memo, idem_key)")
                .bindArray("id", Long.class, ids).bindArray("kind", String.class, kinds)
                .bindArray("at", Long.class, at).bindArray("tenant", String.class, tenants)
                .bindArray("usage", Long.class, usage).bindArray("voucher", Long.class, vouchers)
                .bindArray("memo", String.class, memos).bindArray("key", String.class, keys).execute();
        h.createUpdate("insert into metering_entry (txn_id, account, amount) "
                        + "select x.t, x.a, x.m::numeric from unnest(:t, :a, :m) as x(t, a, m)")
                .bindArray("t", Long.class, eTxn).bindArray("a", String.class, eAccount)
                .bindArray("m", String.class, eAmount).execute();
        return ids;
    }

    public boolean hasKey(Handle h, String idemKey) {
        return h.createQuery("select count(*) from metering_txn where idem_key = :k").bind("k", idemKey)
                .mapTo(Long.class).one() > 0;
    }

    /** Every account's balance recomputed from its entries. */
    public Map<String, BigDecimal> balances(Handle h) {
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        h.createQuery("select account, sum(amount) s from metering_entry group by account order by account")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getBigDecimal(2)))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    public BigDecimal balance(Handle h, String account) {
        BigDecimal b = h.createQuery("select coalesce(sum(amount), 0) from metering_entry where account = :a")
                .bind("a", account).mapTo(BigDecimal.class).one();
        return b;
    }
}
