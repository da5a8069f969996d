package io.computegrid.metering.usage;

import io.computegrid.metering.MeteringException;
import java.time.Instant;

/**
 * One closed interval during which a task held resources, as the server reports it: at a final
 * state change (finish, preemption, cancel, failure, lost node) or as a periodic slice of a
 * running task. {@code key} makes the report idempotent: a second report with the same key is
 * ignored. A suggested key is {@code jobId/attempt/taskIndex/fromEpochMillis}. An empty interval
 * ({@code from == to}) is skipped without using up its key.
 *
 * @param milliCards  cards held, in thousandths (1000 = one card)
 * @param cpuMilli    CPU held, in milli-cores
 * @param preemptible the job accepted preemption, so it pays the preemptible price
 */
public record UsageInterval(String key, long jobId, int attempt, int taskIndex, String tenant, String center,
                            String pool, String accelerator, int milliCards, int cpuMilli, long memoryMiB,
                            Instant from, Instant to, boolean preemptible) {
    public static final int MAX_KEY = 200;

    public UsageInterval {
        if (key == null || key.isBlank() || key.length() > MAX_KEY) {
            throw MeteringException.invalid("usage key must be 1 to " + MAX_KEY + " characters");
        }
        require(tenant, "tenant");
        require(center, "center");
        require(pool, "pool");
        accelerator = accelerator == null ? "" : accelerator;
        if (milliCards < 0 || cpuMilli < 0 || memoryMiB < 0 || attempt < 0 || taskIndex < 0) {
            throw MeteringException.invalid("usage " + key + ": cards, cpu, memory, attempt and task must not be negative");
        }
        if (from == null || to == null || to.isBefore(from)) {
            throw MeteringException.invalid("usage " + key + ": interval must have from <= to");
        }
    }

    private static void require(String v, String field) {
        if (v == null || v.isBlank()) {
            throw MeteringException.invalid("usage: " + field + " is required");
        }
    }

    public long millis() {
        return to.toEpochMilli() - from.toEpochMilli();
    }

    /** The same interval starting later (used to drop the part already metered for this task). */
    public UsageInterval startingAt(Instant newFrom) {
        return new UsageInterval(key, jobId, attempt, taskIndex, tenant, center, pool, accelerator, milliCards,
                cpuMilli, memoryMiB, newFrom, to, preemptible);
    }

    /** Identifies the task attempt whose intervals must never overlap. */
    public String taskKey() {
        return jobId + "/" + attempt + "/" + taskIndex;
    }
}
