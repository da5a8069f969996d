package io.computegrid.metering.ledger;

import io.computegrid.metering.voucher.VoucherAllocator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The posting rules: each business event becomes a balanced set of entries (they sum to zero).
 * Pure; {@link LedgerStore} writes what these return.
 */
public final class Posting {
    /** What kind of event a transaction records. */
    public enum Kind { CHARGE, TOPUP, VOUCHER_ISSUE, VOUCHER_EXPIRE, SETTLEMENT, ADJUSTMENT }

    private Posting() {
    }

    /**
     * A charge: the vouchers and the tenant pay, the center's provider earns the cost less the
     * platform fee, the platform earns the fee.
     */
    public static List<Entry> charge(String tenant, String provider, VoucherAllocator.Allocation a, BigDecimal fee) {
        List<Entry> out = new ArrayList<>();
        for (VoucherAllocator.Part p : a.vouchers()) {
            out.add(new Entry(Accounts.voucher(p.voucherId()), p.amount().negate()));
        }
        if (a.balance().signum() != 0) {
            out.add(new Entry(Accounts.tenant(tenant), a.balance().negate()));
        }
        out.add(new Entry(Accounts.provider(provider), a.cost().subtract(fee)));
        if (fee.signum() != 0) {
            out.add(new Entry(Accounts.PLATFORM, fee));
        }
        return balanced(out);
    }

    public static List<Entry> topUp(String tenant, BigDecimal amount) {
        return balanced(List.of(new Entry(Accounts.tenant(tenant), amount), new Entry(Accounts.EXTERNAL, amount.negate())));
    }

    public static List<Entry> voucherIssue(long voucherId, String issuer, BigDecimal amount) {
        return balanced(List.of(new Entry(Accounts.voucher(voucherId), amount),
                new Entry(Accounts.issuer(issuer), amount.negate())));
    }

    /** What an expiring voucher had left goes back to its issuer. */
    public static List<Entry> voucherExpire(long voucherId, String issuer, BigDecimal remaining) {
        return balanced(List.of(new Entry(Accounts.voucher(voucherId), remaining.negate()),
                new Entry(Accounts.issuer(issuer), remaining)));
    }

    /** A payout of earned revenue to a provider (leaves the ledger to the outside world). */
    public static List<Entry> settlement(String provider, BigDecimal amount) {
        return balanced(List.of(new Entry(Accounts.provider(provider), amount.negate()),
                new Entry(Accounts.EXTERNAL, amount)));
    }

    static List<Entry> balanced(List<Entry> entries) {
        BigDecimal sum = entries.stream().map(Entry::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        if (sum.signum() != 0) {
            throw new IllegalStateException("unbalanced posting " + entries + " (sum " + sum + ")");
        }
        return List.copyOf(entries);
    }

    public static BigDecimal sum(List<Entry> entries) {
        return entries.stream().map(Entry::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
