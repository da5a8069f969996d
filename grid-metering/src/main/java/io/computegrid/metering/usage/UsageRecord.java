package io.computegrid.metering.usage;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One metered, priced interval of one task on one pool: what the bill is made of.
 *
 * @param cardSeconds  milliCards x seconds / 1000, exact
 * @param pflopSeconds normalised compute: rated FP16 PFLOPS of the cards held x seconds
 * @param unitPrice    the card-hour price at the start of the interval
 * @param fee          the platform's part of {@code cost}; the provider earned {@code cost - fee}
 */
public record UsageRecord(long id, String key, long jobId, int attempt, int taskIndex, String tenant, String center,
                          String pool, String accelerator, String provider, int milliCards, int cpuMilli,
                          long memoryMiB, Instant from, Instant to, long millis, BigDecimal cardSeconds,
                          BigDecimal pflopSeconds, boolean preemptible, BigDecimal unitPrice, String priceBasis,
                          BigDecimal cost, BigDecimal paidByVouchers, BigDecimal paidByBalance, BigDecimal fee,
                          Long txnId, Instant recordedAt) {
    public BigDecimal seconds() {
        return BigDecimal.valueOf(millis, 3);
    }
}
