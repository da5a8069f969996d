package io.computegrid.metering;

import io.computegrid.metering.ledger.AccountStore;
import io.computegrid.metering.ledger.Accounts;
import io.computegrid.metering.ledger.LedgerStore;
import io.computegrid.metering.ledger.Posting;
import io.computegrid.metering.ledger.TenantAccount;
import io.computegrid.metering.money.Money;
import io.computegrid.metering.price.PriceBook;
import io.computegrid.metering.price.PriceEntry;
import io.computegrid.metering.price.PriceStore;
import io.computegrid.metering.statement.Settlement;
import io.computegrid.metering.statement.Statements;
import io.computegrid.metering.voucher.Voucher;
import io.computegrid.metering.voucher.VoucherRequest;
import io.computegrid.metering.voucher.VoucherStore;
import io.computegrid.model.Names;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The operator's write paths (top-ups, vouchers, prices, settlement), each one transaction posting balanced entries. */
final class Accounting {
    private final Jdbi jdbi;
    private final Metering.State st;
    private final AccountStore accounts;
    private final VoucherStore vouchers;
    private final LedgerStore ledger;
    private final PriceStore prices;
    private final Instant now;

    Accounting(Jdbi jdbi, Metering.State st, AccountStore accounts, VoucherStore vouchers, LedgerStore ledger,
               PriceStore prices, Instant now) {
        this.jdbi = jdbi;
        this.st = st;
        this.accounts = accounts;
        this.vouchers = vouchers;
        this.ledger = ledger;
        this.prices = prices;
        this.now = now;
    }

    /** The tenant's account, created if the tenant is known (configured or in the store); else NOT_FOUND. */
    TenantAccount requireAccount(Handle h, String tenant) {
        if (tenant == null || tenant.isBlank()) {
            throw MeteringException.invalid("tenant is required");
        }
        var found = accounts.find(h, tenant);
        if (found.isPresent()) {
            return found.get();
        }
        boolean known = st.federation().tenants().stream().anyMatch(t -> t.name().equals(tenant))
                || h.createQuery("select to_regclass('public.tenants') is not null").mapTo(Boolean.class).one()
                && h.createQuery("select count(*) from tenants where name = :t").bind("t", tenant)
                .mapTo(Long.class).one() > 0;
        if (!known) {
            throw MeteringException.notFound("unknown tenant '" + tenant + "'");
        }
        accounts.ensure(h, List.of(tenant), now);
        return accounts.find(h, tenant).orElseThrow();
    }

    TenantAccount updateAccount(MeteringConfig.AccountSettings s) {
        Money m = st.money();
        for (BigDecimal v : new BigDecimal[] {s.creditLimit(), s.monthlyBudget()}) {
            if (v != null && v.signum() < 0) {
                throw MeteringException.invalid("credit limit and monthly budget must not be negative");
            }
            if (v != null) {
                m.checkRange(v, "amount");
            }
        }
        return jdbi.inTransaction(h -> {
            requireAccount(h, s.tenant());
            accounts.settings(h, s);
            return accounts.find(h, s.tenant()).orElseThrow();
        });
    }

    TenantAccount topUp(String tenant, BigDecimal amount, String currency, String idemKey) {
        Money m = st.money();
        if (currency != null && !currency.equals(m.currency())) {
            throw MeteringException.invalid("currency " + currency + " is not the platform currency " + m.currency());
        }
        if (amount == null || amount.signum() <= 0) {
            throw MeteringException.invalid("amount: must be positive");
        }
        BigDecimal a = m.checkRange(amount, "amount");
        return jdbi.inTransaction(h -> {
            requireAccount(h, tenant);
            accounts.lock(h, List.of(tenant));
            if (idemKey != null && ledger.hasKey(h, "topup:" + idemKey)) {
                return accounts.find(h, tenant).orElseThrow();
            }
            ledger.post(h, List.of(new LedgerStore.NewTxn(Posting.Kind.TOPUP, now, tenant, null, null, "top-up",
                    idemKey == null ? null : "topup:" + idemKey, Posting.topUp(tenant, a))));
            accounts.addToBalances(h, Map.of(tenant, a));
            return accounts.find(h, tenant).orElseThrow();
        });
    }

    Voucher issueVoucher(VoucherRequest r) {
        Money m = st.money();
        if (r.amount() == null) {
            throw MeteringException.invalid("amount: a voucher needs an amount");
        }
        if (r.amount().signum() <= 0) {
            throw MeteringException.invalid("amount: must be positive (got " + r.amount().toPlainString() + ")");
        }
        BigDecimal amount = m.checkRange(r.amount(), "amount");
        BigDecimal share = r.share() == null ? BigDecimal.ONE : r.share();
        if (share.signum() <= 0 || share.compareTo(BigDecimal.ONE) > 0 || share.stripTrailingZeros().scale() > 4) {
            throw MeteringException.invalid("share: must be above 0 and at most 1, with at most 4 decimals (got "
                    + share.toPlainString() + ")");
        }
        String issuer = r.issuer() == null || r.issuer().isBlank() ? "platform" : r.issuer();
        Names.requireValid(issuer, "issuer");
        Instant from = r.validFrom() == null ? now : r.validFrom();
        Instant to = r.validTo() == null ? from.plus(Duration.ofDays(365)) : r.validTo();
        if (!to.isAfter(from)) {
            throw MeteringException.invalid("expires: the end " + to + " must be after the start " + from);
        }
        if (!to.isAfter(now)) {
            throw MeteringException.invalid("expires: " + to + " is already past");
        }
        for (String c : r.centers()) {
            if (!st.federation().centers().isEmpty() && st.federation().center(c).isEmpty()) {
                throw MeteringException.invalid("centers: unknown center '" + c + "'");
            }
        }
        for (String model : r.models()) {
            if (!st.federation().catalog().contains(model)) {
                throw MeteringException.invalid("models: unknown accelerator model '" + model + "'");
            }
        }
        return jdbi.inTransaction(h -> {
            requireAccount(h, r.tenant());
            Voucher draft = new Voucher(0, r.tenant(), issuer, amount, amount, share, from, to, r.centers(),
                    r.models(), Voucher.State.ACTIVE, now);
            var inserted = vouchers.insert(h, draft, r.idemKey() == null ? null : "voucher:" + r.idemKey());
            if (inserted.isEmpty()) {
                return h.createQuery("select id from metering_voucher where idem_key = :k")
                        .bind("k", "voucher:" + r.idemKey()).mapTo(Long.class).findOne()
                        .flatMap(id -> vouchers.find(h, id, false)).orElseThrow();
            }
            Voucher v = inserted.get();
            ledger.post(h, List.of(new LedgerStore.NewTxn(Posting.Kind.VOUCHER_ISSUE, now, r.tenant(), null, v.id(),
                    "voucher issued by " + issuer, null, Posting.voucherIssue(v.id(), issuer, amount))));
            return v;
        });
    }

    Voucher expireVoucher(long id) {
        return jdbi.inTransaction(h -> {
            Voucher v = vouchers.find(h, id, true).orElseThrow(() -> MeteringException.notFound("no voucher " + id));
            return expire(h, v, now);
        });
    }

    private Voucher expire(Handle h, Voucher v, Instant at) {
        if (v.state() == Voucher.State.EXPIRED) {
            return v;
        }
        if (v.remaining().signum() > 0) {
            ledger.post(h, List.of(new LedgerStore.NewTxn(Posting.Kind.VOUCHER_EXPIRE, at, v.tenant(), null, v.id(),
                    "voucher expired", null, Posting.voucherExpire(v.id(), v.issuer(), v.remaining()))));
        }
        vouchers.markExpired(h, v.id());
        return vouchers.find(h, v.id(), false).orElseThrow();
    }

    int expireDue() {
        return jdbi.inTransaction(h -> {
            List<Voucher> due = vouchers.lockDue(h, now);
            for (Voucher v : due) {
                expire(h, v, v.validTo());
            }
            return due.size();
        });
    }

    PriceEntry setPrice(PriceEntry e, String by) {
        if (e.center() != null && !st.federation().centers().isEmpty() && st.federation().center(e.center()).isEmpty()) {
            throw MeteringException.invalid("center: unknown center '" + e.center() + "'");
        }
        if (e.pool() != null && e.center() == null) {
            throw MeteringException.invalid("pool: a pool price needs its center");
        }
        if (e.model() != null && !st.federation().catalog().contains(e.model())) {
            throw MeteringException.invalid("model: unknown accelerator model '" + e.model() + "'");
        }
        Instant from = e.from() == null ? now : e.from();
        if (from.isBefore(now.minusSeconds(1))) {
            throw MeteringException.invalid("from: a price change cannot start in the past (" + from + ")");
        }
        if (e.to() != null && !e.to().isAfter(from)) {
            throw MeteringException.invalid("to: must be after from");
        }
        PriceEntry entry = new PriceEntry(0, e.center(), e.pool(), e.model(), e.onDemand(), e.preemptible(),
                e.cpuCoreHour(), e.memoryGiBHour(), from, e.to(), PriceEntry.Source.API);
        return jdbi.inTransaction(h -> {
            prices.lock(h);
            List<PriceEntry> existing = prices.load(h);
            List<PriceEntry> after = new ArrayList<>();
            for (PriceEntry old : existing) {
                if (old.sameKey(entry) && old.overlaps(entry) && old.to() == null
                        && (old.from() == null || old.from().isBefore(from))) {
                    prices.close(h, old.id(), from);
                    after.add(old.withTo(from));
                } else {
                    after.add(old);
                }
            }
            after.add(entry);
            PriceBook.checkNoOverlap(after);
            long id = prices.insert(h, entry, by, now);
            return entry.withId(id);
        });
    }

    BigDecimal settle(Statements statements, String provider, YearMonth month) {
        if (Statements.start(month.plusMonths(1)).isAfter(now)) {
            throw MeteringException.invalid("month " + month + " has not ended yet");
        }
        return jdbi.inTransaction(h -> {
            Settlement s = statements.settlement(h, month, provider);
            if (s.providers().isEmpty()) {
                throw MeteringException.notFound("provider '" + provider + "' earned nothing in " + month);
            }
            Settlement.Provider p = s.providers().get(0);
            String key = Statements.settlementKey(provider, month);
            if (ledger.hasKey(h, key)) {
                return p.settled();
            }
            ledger.post(h, List.of(new LedgerStore.NewTxn(Posting.Kind.SETTLEMENT, now, null, null, null,
                    "settlement " + month, key, Posting.settlement(provider, p.net()))));
            return p.net();
        });
    }

    static String accountOf(String tenant) {
        return Accounts.tenant(tenant);
    }
}
