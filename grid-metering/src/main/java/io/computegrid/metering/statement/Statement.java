package io.computegrid.metering.statement;

import java.math.BigDecimal;
import java.util.List;

/**
 * A tenant's monthly statement (UTC month; usage belongs to the month its interval ended in).
 * {@code total = paidByVouchers + paidByBalance}, and {@code closingBalance = openingBalance +
 * topUps - paidByBalance}.
 */
public record Statement(String tenant, String month, String currency, String from, String to, BigDecimal total,
                        BigDecimal paidByVouchers, BigDecimal paidByBalance, BigDecimal topUps,
                        BigDecimal openingBalance, BigDecimal closingBalance, long records, BigDecimal cardHours,
                        BigDecimal pflopHours, List<Line> lines, List<VoucherUse> vouchers) {
    /** One job on one accelerator model in one center. */
    public record Line(long jobId, String accelerator, String center, long records, BigDecimal cardHours,
                       BigDecimal pflopHours, BigDecimal cost, BigDecimal paidByVouchers, BigDecimal paidByBalance) {
    }

    /** What one voucher paid in the month. */
    public record VoucherUse(long voucherId, String issuer, BigDecimal used, BigDecimal remaining) {
    }
}
