package io.computegrid.scheduler;

/**
 * Why the scheduler decided what it did for one job, with the plugin that said so. {@code code}
 * is stable for machines (QUOTA, CAPACITY, NO_FIT, BEHIND, RESERVED, BEHIND_RESERVATION, PREEMPTING,
 * NOT_REACHED, PLACED, ...); {@code message} is for people and carries the numbers.
 * {@code estimatedStartMillis} is the scheduler's estimate of when the job can start (-1: unknown) and
 * {@code relatedJobId} the job that blocks it or holds the reservation it must not delay (-1: none).
 */
public record Reason(String plugin, String code, String message, long estimatedStartMillis, long relatedJobId) {
    public Reason(String plugin, String code, String message) {
        this(plugin, code, message, -1, -1);
    }

    @Override
    public String toString() {
        return plugin + "/" + code + ": " + message;
    }
}
