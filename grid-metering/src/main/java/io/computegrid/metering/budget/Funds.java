package io.computegrid.metering.budget;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * What a tenant can still spend, and the pure admission rule over it. New work starts only if its
 * estimate fits within balance + credit limit + vouchers less what is already {@code committed} (the
 * estimated rest of the tenant's running work, and of work admitted before it in the same pass),
 * within the monthly budget and within the job's own budget; a tenant with nothing left starts
 * nothing priced.
 */
public record Funds(String tenant, String currency, BigDecimal balance, BigDecimal creditLimit, BigDecimal vouchers,
                    BigDecimal monthlyBudget, BigDecimal spentThisMonth, BigDecimal committed) {
    public Funds {
        committed = committed == null ? BigDecimal.ZERO : committed;
    }

    /** Funds with nothing committed yet. */
    public Funds(String tenant, String currency, BigDecimal balance, BigDecimal creditLimit, BigDecimal vouchers,
                 BigDecimal monthlyBudget, BigDecimal spentThisMonth) {
        this(tenant, currency, balance, creditLimit, vouchers, monthlyBudget, spentThisMonth, BigDecimal.ZERO);
    }

    public BigDecimal available() {
        return balance.add(creditLimit).add(vouchers);
    }

    /** What new work may still commit: available less what running work is expected to spend. */
    public BigDecimal headroom() {
        return available().subtract(committed);
    }

    public Funds withCommitted(BigDecimal c) {
        return new Funds(tenant, currency, balance, creditLimit, vouchers, monthlyBudget, spentThisMonth, c);
    }

    /** Empty when work with this estimate may start; otherwise why not, with the numbers. */
    public Optional<String> block(BigDecimal estimate, BigDecimal jobBudget) {
        if (estimate.signum() <= 0) {
            return Optional.empty();
        }
        if (jobBudget != null && estimate.compareTo(jobBudget) > 0) {
            return Optional.of("estimated cost " + fmt(estimate) + " exceeds the job's budget " + fmt(jobBudget));
        }
        if (available().signum() <= 0) {
            return Optional.of("tenant " + tenant + " has no funds left: balance " + fmt(balance) + ", credit limit "
                    + fmt(creditLimit) + ", vouchers " + fmt(vouchers) + "; top up or ask for a voucher");
        }
        if (estimate.compareTo(available()) > 0) {
            return Optional.of("estimated cost " + fmt(estimate) + " exceeds the funds of tenant " + tenant + ": "
                    + fmt(available()) + " (balance " + fmt(balance) + ", credit limit " + fmt(creditLimit)
                    + ", vouchers " + fmt(vouchers) + ")");
        }
        if (estimate.compareTo(headroom()) > 0) {
            return Optional.of("estimated cost " + fmt(estimate) + " exceeds what tenant " + tenant + " can still "
                    + "commit: funds " + fmt(available()) + " less " + fmt(committed) + " committed (the expected "
                    + "rest of its running work and of work started ahead of this job) leaves "
                    + fmt(headroom().max(BigDecimal.ZERO)));
        }
        if (monthlyBudget != null && spentThisMonth.add(committed).add(estimate).compareTo(monthlyBudget) > 0) {
            return Optional.of("monthly budget of tenant " + tenant + " is " + fmt(monthlyBudget) + ": spent "
                    + fmt(spentThisMonth) + " this month" + (committed.signum() > 0 ? ", " + fmt(committed)
                    + " committed to running work" : "") + ", and estimated cost " + fmt(estimate)
                    + " would bring it to " + fmt(spentThisMonth.add(committed).add(estimate)));
        }
        return Optional.empty();
    }

    private String fmt(BigDecimal d) {
        return d.toPlainString() + " " + currency;
    }
}
