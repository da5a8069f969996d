package io.computegrid.metering.ledger;

import io.computegrid.metering.MeteringConfig;
import java.math.BigDecimal;

/**
 * A tenant's prepaid account: its balance (may go down to {@code -creditLimit}), an optional monthly
 * budget and what to do with running work past a cap (null: the federation default).
 */
public record TenantAccount(String tenant, String currency, BigDecimal balance, BigDecimal creditLimit,
                            BigDecimal monthlyBudget, MeteringConfig.Overrun overrun) {
    /** What the balance can still pay before the credit limit. */
    public BigDecimal available() {
        return balance.add(creditLimit);
    }
}
