package io.computegrid.metering.budget;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * The estimated cost of a job from the price book: all tasks for {@code maxRuntime} at the price of
 * the named center, pool and model (null center: the job could not be placed anywhere priced).
 *
 * @param hourlyCost    the whole job for one hour
 * @param estimatedCost the whole job for maxRuntime; null when the job has no maxRuntime
 */
public record Quote(String tenant, String currency, String center, String pool, String model, boolean preemptible,
                    BigDecimal cardHourPrice, BigDecimal hourlyCost, Duration maxRuntime, BigDecimal estimatedCost,
                    String basis) {
    /** The amount admission checks against: the estimate, or one hour when there is no maxRuntime. */
    public BigDecimal admissionAmount() {
        return estimatedCost != null ? estimatedCost : hourlyCost;
    }
}
