package io.computegrid.server.billing;

import io.computegrid.metering.Metering;
import io.computegrid.model.JobSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What running work is still expected to spend, so that new work does not count on money already
 * promised: the rest of its maxRuntime at the price of where it runs, or the next hour when it has
 * no maxRuntime (the same basis as a quote without one).
 */
final class CommittedSpend {
    private static final long HOUR = 3_600_000L;

    private CommittedSpend() {
    }

    static BigDecimal of(Metering metering, String tenant, JobSpec spec, String center, String pool, String model,
                         long startedAtMillis, long nowMillis) {
        if (center == null || pool == null || model == null) {
            return BigDecimal.ZERO;
        }
        BigDecimal hourly = metering.quote(tenant, spec, center, pool, model).hourlyCost();
        long left = spec.maxRuntime() == null ? HOUR
                : Math.max(0, startedAtMillis + spec.maxRuntime().toMillis() - nowMillis);
        return hourly.multiply(BigDecimal.valueOf(left)).divide(BigDecimal.valueOf(HOUR), hourly.scale(),
                RoundingMode.HALF_EVEN);
    }
}
