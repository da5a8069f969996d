package io.computegrid.metering;

import io.computegrid.config.FederationConfig;
import io.computegrid.metering.ledger.AccountStore;
import io.computegrid.metering.ledger.LedgerStore;
import io.computegrid.metering.ledger.Posting;
import io.computegrid.metering.money.Money;
import io.computegrid.metering.price.PriceBook;
import io.computegrid.metering.price.Pricing;
import io.computegrid.metering.usage.UsageInterval;
import io.computegrid.metering.usage.UsageRecord;
import io.computegrid.metering.usage.UsageStore;
import io.computegrid.metering.voucher.Voucher;
import io.computegrid.metering.voucher.VoucherAllocator;
import io.computegrid.metering.voucher.VoucherStore;
import io.computegrid.model.Accelerator;
import io.computegrid.model.Center;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Records a batch of usage intervals inside the caller's transaction: dedupe by key, drop what a
 * task attempt already had metered, price, split each charge between vouchers and balance, and
 * write records, ledger transactions, voucher remainders and balances in a handful of statements.
 * Locks are taken in one order (tenant accounts by name, then vouchers by expiry) so concurrent
 * batches wait for each other instead of deadlocking.
 */
final class UsageRecorder {
    private final AccountStore accounts;
    private final VoucherStore vouchers;
    private final UsageStore usage;
    private final LedgerStore ledger;

    UsageRecorder(AccountStore accounts, VoucherStore vouchers, UsageStore usage, LedgerStore ledger) {
        this.accounts = accounts;
        this.vouchers = vouchers;
        this.usage = usage;
        this.ledger = ledger;
    }

    /** What a batch did: records written and intervals ignored as already metered. */
    record Result(List<UsageRecord> recorded, int ignored) {
    }

    Result record(Handle h, List<UsageInterval> batch, Metering.State st, Instant now) {
        Map<String, UsageInterval> byKey = new LinkedHashMap<>();
        for (UsageInterval u : batch) {
            if (u.to().isAfter(u.from())) { // an empty interval holds nothing and must not use up its key
                byKey.putIfAbsent(u.key(), u);
            }
        }
        if (byKey.isEmpty()) {
            return new Result(List.of(), 0);
        }
        Set<String> tenants = new LinkedHashSet<>();
        byKey.values().forEach(u -> tenants.add(u.tenant()));
        accounts.ensure(h, tenants, now);
        accounts.lock(h, tenants.stream().sorted().toList());
        usage.existingKeys(h, byKey.keySet()).forEach(byKey::remove);
        List<UsageInterval> fresh = new ArrayList<>(byKey.values());
        fresh.sort(Comparator.comparing(UsageInterval::taskKey).thenComparing(UsageInterval::from)
                .thenComparing(UsageInterval::to));
        Map<String, Instant> high = fresh.isEmpty() ? Map.of() : usage.highWater(h, fresh);
        Map<String, Instant> hw = new HashMap<>(high);
        List<UsageInterval> todo = new ArrayList<>();
        for (UsageInterval u : fresh) {
            Instant mark = hw.get(u.taskKey());
            if (mark != null && !u.to().isAfter(mark)) {
                continue;
            }
            UsageInterval x = mark != null && mark.isAfter(u.from()) ? u.startingAt(mark) : u;
            hw.put(u.taskKey(), x.to());
            todo.add(x);
        }
        int ignored = batch.size() - todo.size();
        if (todo.isEmpty()) {
            return new Result(List.of(), ignored);
        }
        // charges in time order, so vouchers are consumed in the order the usage happened
        todo.sort(Comparator.comparing(UsageInterval::to).thenComparing(UsageInterval::key));
        Map<String, List<Voucher>> open = new HashMap<>();
        Map<Long, BigDecimal> before = new HashMap<>();
        for (Voucher v : vouchers.lockActive(h, tenants.stream().sorted().toList())) {
            open.computeIfAbsent(v.tenant(), t -> new ArrayList<>()).add(v);
            before.put(v.id(), v.remaining());
        }
        Money money = st.money();
        PriceBook book = st.prices();
        List<Long> usageIds = LedgerStore.nextIds(h, "metering_usage_id_seq", todo.size());
        List<UsageRecord> records = new ArrayList<>(todo.size());
        List<LedgerStore.NewTxn> txns = new ArrayList<>();
        List<Integer> txnOf = new ArrayList<>();
        Map<String, BigDecimal> balanceDelta = new HashMap<>();
        for (int i = 0; i < todo.size(); i++) {
            UsageInterval u = todo.get(i);
            long id = usageIds.get(i);
            Pricing.Priced p = Pricing.price(book, money, u);
            String provider = st.federation().center(u.center()).map(Center::provider).orElse(u.center());
            List<Voucher> vs = open.computeIfAbsent(u.tenant(), t -> new ArrayList<>());
            VoucherAllocator.Allocation a = VoucherAllocator.allocate(money, p.cost(), u.center(), u.accelerator(),
                    u.from(), u.to(), vs);
            BigDecimal fee = money.round(p.cost().multiply(st.metering().platformFee()));
            if (p.cost().signum() > 0) {
                txns.add(new LedgerStore.NewTxn(Posting.Kind.CHARGE, u.to(), u.tenant(), id, null,
                        "job " + u.jobId() + " task " + u.taskIndex(), null,
                        Posting.charge(u.tenant(), provider, a, fee)));
                txnOf.add(i);
                balanceDelta.merge(u.tenant(), a.balance().negate(), BigDecimal::add);
            }
            long ms = u.millis();
            double tflops = st.federation().catalog().find(u.accelerator()).map(Accelerator::fp16Tflops).orElse(0.0);
            BigDecimal cardSeconds = BigDecimal.valueOf((long) u.milliCards() * ms, 6);
            BigDecimal pflopSeconds = BigDecimal.valueOf(tflops).multiply(BigDecimal.valueOf((long) u.milliCards() * ms))
                    .movePointLeft(9).setScale(9, Money.ROUNDING);
            records.add(new UsageRecord(id, u.key(), u.jobId(), u.attempt(), u.taskIndex(), u.tenant(), u.center(),
                    u.pool(), u.accelerator(), provider, u.milliCards(), u.cpuMilli(), u.memoryMiB(), u.from(), u.to(),
                    ms, cardSeconds, pflopSeconds, u.preemptible(), p.unitPrice(), p.basis(), p.cost(),
                    a.paidByVouchers(), a.balance(), fee, null, now));
        }
        List<Long> txnIds = ledger.post(h, txns);
        for (int k = 0; k < txnIds.size(); k++) {
            int i = txnOf.get(k);
            UsageRecord r = records.get(i);
            records.set(i, withTxn(r, txnIds.get(k)));
        }
        usage.insert(h, records);
        Map<Long, BigDecimal> remaining = new HashMap<>();
        for (List<Voucher> vs : open.values()) {
            for (Voucher v : vs) {
                if (v.remaining().compareTo(before.get(v.id())) != 0) {
                    remaining.put(v.id(), v.remaining());
                }
            }
        }
        vouchers.setRemaining(h, remaining);
        accounts.addToBalances(h, balanceDelta);
        return new Result(records, ignored);
    }

    private static UsageRecord withTxn(UsageRecord r, long txn) {
        return new UsageRecord(r.id(), r.key(), r.jobId(), r.attempt(), r.taskIndex(), r.tenant(), r.center(), r.pool(),
                r.accelerator(), r.provider(), r.milliCards(), r.cpuMilli(), r.memoryMiB(), r.from(), r.to(),
                r.millis(), r.cardSeconds(), r.pflopSeconds(), r.preemptible(), r.unitPrice(), r.priceBasis(),
                r.cost(), r.paidByVouchers(), r.paidByBalance(), r.fee(), txn, r.recordedAt());
    }
}
