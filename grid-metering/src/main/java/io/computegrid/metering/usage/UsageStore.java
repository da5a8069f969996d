package io.computegrid.metering.usage;

import io.computegrid.metering.money.Money;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/** Usage records in {@code metering_usage}, written many per statement. */
public final class UsageStore {
    private final Money money;

    public UsageStore(Money money) {
        this.money = money;
    }

    public Set<String> existingKeys(Handle h, Collection<String> keys) {
        return new HashSet<>(h.createQuery("select idem_key from metering_usage where idem_key = any(:k)")
                .bindArray("k", String.class, List.copyOf(keys)).mapTo(String.class).list());
    }

    /** For each task attempt ({@link UsageInterval#taskKey()}), the end of its last recorded interval. */
    public Map<String, Instant> highWater(Handle h, Collection<UsageInterval> intervals) {
        Map<String, UsageInterval> byTask = new HashMap<>();
        for (UsageInterval u : intervals) {
            byTask.putIfAbsent(u.taskKey(), u);
        }
        List<UsageInterval> tasks = List.copyOf(byTask.values());
        Map<String, Instant> out = new HashMap<>();
        h.createQuery("select u.job_id, u.attempt, u.task_index, max(u.ended_at) from metering_usage u "
                        + "join unnest(:j, :a, :t) as x(j, a, t) on u.job_id = x.j and u.attempt = x.a "
                        + "and u.task_index = x.t group by 1, 2, 3")
                .bindArray("j", Long.class, tasks.stream().map(UsageInterval::jobId).toList())
                .bindArray("a", Integer.class, tasks.stream().map(UsageInterval::attempt).toList())
                .bindArray("t", Integer.class, tasks.stream().map(UsageInterval::taskIndex).toList())
                .map((rs, ctx) -> Map.entry(rs.getLong(1) + "/" + rs.getInt(2) + "/" + rs.getInt(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant()))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    public void insert(Handle h, List<UsageRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        h.createUpdate("insert into metering_usage (id, idem_key, job_id, attempt, task_index, tenant, center, pool, "
                        + "accelerator, provider, milli_cards, cpu_milli, memory_mib, started_at, ended_at, millis, "
                        + "card_seconds, pflop_seconds, preemptible, unit_price, price_basis, cost, paid_by_vouchers, "
                        + "paid_by_balance, fee, txn_id, recorded_at) "
                        + "select x.id, x.k, x.j, x.a, x.t, x.tenant, x.center, x.pool, x.acc, x.prov, x.mc, x.cpu, "
                        + "x.mem, timestamptz 'epoch' + x.f * interval '1 millisecond', "
                        + "timestamptz 'epoch' + x.e * interval '1 millisecond', x.e - x.f, x.cs::numeric, "
                        + "x.ps::numeric, x.pre, x.up::numeric, x.basis, x.cost::numeric, x.pv::numeric, "
                        + "x.pb::numeric, x.fee::numeric, x.txn, timestamptz 'epoch' + x.rec * interval '1 millisecond' "
                        + "from unnest(:id, :k, :j, :a, :t, :tenant, :center, :pool, :acc, :prov, :mc, :cpu, :mem, :f, "
                        + ":e, :cs, :ps, :pre, :up, :basis, :cost, :pv, :pb, :fee, :txn, :rec) as x(id, k, j, a, t, "
                        + "tenant, center, pool, acc, prov, mc, cpu, mem, f, e, cs, ps, pre, up, basis, cost, pv, pb, "
                        + "fee, txn, rec)")
                .bindArray("id", Long.class, col(records, UsageRecord::id))
                .bindArray("k", String.class, col(records, UsageRecord::key))
                .bindArray("j", Long.class, col(records, UsageRecord::jobId))
                .bindArray("a", Integer.class, col(records, UsageRecord::attempt))
                .bindArray("t", Integer.class, col(records, UsageRecord::taskIndex))
                .bindArray("tenant", String.class, col(records, UsageRecord::tenant))
                .bindArray("center", String.class, col(records, UsageRecord::center))
                .bindArray("pool", String.class, col(records, UsageRecord::pool))
                .bindArray("acc", String.class, col(records, UsageRecord::accelerator))
                .bindArray("prov", String.class, col(records, UsageRecord::provider))
                .bindArray("mc", Integer.class, col(records, UsageRecord::milliCards))
                .bindArray("cpu", Integer.class, col(records, UsageRecord::cpuMilli))
                .bindArray("mem", Long.class, col(records, UsageRecord::memoryMiB))
                .bindArray("f", Long.class, col(records, r -> r.from().toEpochMilli()))
                .bindArray("e", Long.class, col(records, r -> r.to().toEpochMilli()))
                .bindArray("cs", String.class, col(records, r -> r.cardSeconds().toPlainString()))
                .bindArray("ps", String.class, col(records, r -> r.pflopSeconds().toPlainString()))
                .bindArray("pre", Boolean.class, col(records, UsageRecord::preemptible))
                .bindArray("up", String.class, col(records, r -> r.unitPrice().toPlainString()))
                .bindArray("basis", String.class, col(records, UsageRecord::priceBasis))
                .bindArray("cost", String.class, col(records, r -> r.cost().toPlainString()))
                .bindArray("pv", String.class, col(records, r -> r.paidByVouchers().toPlainString()))
                .bindArray("pb", String.class, col(records, r -> r.paidByBalance().toPlainString()))
                .bindArray("fee", String.class, col(records, r -> r.fee().toPlainString()))
                .bindArray("txn", Long.class, col(records, UsageRecord::txnId))
                .bindArray("rec", Long.class, col(records, r -> r.recordedAt().toEpochMilli()))
                .execute();
    }

    private static <T> List<T> col(List<UsageRecord> records, Function<UsageRecord, T> f) {
        List<T> out = new ArrayList<>(records.size());
        for (UsageRecord r : records) {
            out.add(f.apply(r));
        }
        return out;
    }

    public List<UsageRecord> page(Handle h, UsageQuery q) {
        return h.createQuery("select * from metering_usage where id > :after "
                        + "and (:tenant::text is null or tenant = :tenant) and (:job::bigint is null or job_id = :job) "
                        + "and (:from::timestamptz is null or ended_at >= :from) "
                        + "and (:to::timestamptz is null or ended_at < :to) order by id limit :limit")
                .bind("after", q.after()).bind("tenant", q.tenant()).bind("job", q.jobId())
                .bind("from", ts(q.from())).bind("to", ts(q.to())).bind("limit", q.limit())
                .map((rs, ctx) -> map(rs)).list();
    }

    static OffsetDateTime ts(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    public UsageRecord map(ResultSet rs) throws SQLException {
        long txn = rs.getLong("txn_id");
        Long txnId = rs.wasNull() ? null : txn;
        return new UsageRecord(rs.getLong("id"), rs.getString("idem_key"), rs.getLong("job_id"), rs.getInt("attempt"),
                rs.getInt("task_index"), rs.getString("tenant"), rs.getString("center"), rs.getString("pool"),
                rs.getString("accelerator"), rs.getString("provider"), rs.getInt("milli_cards"),
                rs.getInt("cpu_milli"), rs.getLong("memory_mib"),
                rs.getObject("started_at", OffsetDateTime.class).toInstant(),
                rs.getObject("ended_at", OffsetDateTime.class).toInstant(), rs.getLong("millis"),
                rs.getBigDecimal("card_seconds"), rs.getBigDecimal("pflop_seconds"), rs.getBoolean("preemptible"),
                rs.getBigDecimal("unit_price"), rs.getString("price_basis"), money.of(rs.getBigDecimal("cost")),
                money.of(rs.getBigDecimal("paid_by_vouchers")), money.of(rs.getBigDecimal("paid_by_balance")),
                money.of(rs.getBigDecimal("fee")), txnId, rs.getObject("recorded_at", OffsetDateTime.class).toInstant());
    }

    /** Sum of BigDecimals, for callers that total records. */
    public static BigDecimal total(List<UsageRecord> records, Function<UsageRecord, BigDecimal> f) {
        BigDecimal s = BigDecimal.ZERO;
        for (UsageRecord r : records) {
            s = s.add(f.apply(r));
        }
        return s;
    }
}
