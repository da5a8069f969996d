package io.computegrid.metering.budget;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * What a tenant can still spend, and the pure admission rule over it. New work starts only if its
 * estimate fits within balance + credit limit + vouchers, within the monthly budget and within
 * the job's own budget; a tenant with nothing left starts nothing priced.
 */
public record Funds(String tenant, String currency, BigDecimal balance, BigDecimal creditLimit, BigDecimal vouchers,
                    BigDecimal monthlyBudget, BigDecimal spentThisMonth) {
    public BigDecimal available() {
        return balance.add(creditLimit).add(vouchers);
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
        if (monthlyBudget != null && spentThisMonth.add(estimate).compareTo(monthlyBudget) > 0) {
            return Optional.of("monthly budget of tenant " + tenant + " is " + fmt(monthlyBudget) + ": spent "
                    + fmt(spentThisMonth) + " this month, and estimated cost " + fmt(estimate) + " would bring it to "
                    + fmt(spentThisMonth.add(estimate)));
        }
        return Optional.empty();
    }

    private String fmt(BigDecimal d) {
        return d.toPlainString() + " " + currency;
    }
}
