package io.computegrid.scheduler;

/**
 * One row of a placement's score table: a candidate center and pool with the estimates that were
 * compared. Times are in milliseconds of the scheduler's clock; {@code cost} is the list price of the
 * estimated run ({@code pricePerCardHour} x cards x hours); {@code dataSeconds} the time to move the
 * job's datasets there; {@code latencyMs} the network latency from the tenant's region; {@code energy}
 * the non-green energy factor ((1 - greenShare) x PUE). {@code total} is the weighted score (lower is
 * better); {@code fitsNow} tells whether the job could start there in this cycle.
 */
public record CenterScore(String center, String pool, String accelerator, long estimatedStartMillis,
                          long estimatedFinishMillis, double cost, double dataSeconds, double latencyMs,
                          double energy, double total, boolean fitsNow) {
}
