package io.computegrid.scheduler;

/** Capacity held for a waiting job: it is expected to start at {@code startAt} in {@code center}. */
public record Reservation(long jobId, String center, String pool, long startAt) {
}
