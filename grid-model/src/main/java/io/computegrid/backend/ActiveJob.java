package io.computegrid.backend;

/** A job the store believes a backend runs, for reconciliation after a restart. */
public record ActiveJob(long jobId, int attempt, String handle) {
}
