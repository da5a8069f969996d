package io.computegrid.metering.price;

import java.math.BigDecimal;

/**
 * The unit prices that apply to one interval at one instant.
 *
 * @param cardHour   per card-hour, already the preemptible price when the work is preemptible
 * @param basis      which entry gave the price, for statements and explain ("list price" when from the pool)
 */
public record Rate(BigDecimal cardHour, BigDecimal cpuCoreHour, BigDecimal memoryGiBHour, String basis) {
}
