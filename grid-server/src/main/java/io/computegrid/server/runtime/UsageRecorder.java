package io.computegrid.server.runtime;

import java.time.Instant;
import org.jdbi.v3.core.Handle;

/**
 * Receives every closed interval in which a task held cards, inside the transaction that closes
 * it (so usage is neither lost nor doubled by a crash). Implemented by the metering module.
 */
public interface UsageRecorder {
    UsageRecorder NONE = (h, i) -> { };

    void record(Handle h, Interval interval);

    /** A batch of intervals (one periodic slice of every running task), in one go where the recorder can. */
    default void recordAll(Handle h, java.util.List<Interval> intervals) {
        for (Interval i : intervals) {
            record(h, i);
        }
    }

    /** One metered interval of one task; {@code key} is unique per interval (idempotency). */
    record Interval(String key, long jobId, int attempt, int taskIndex, String tenant, String center, String pool,
                    String accelerator, int milliCards, int cpuMilli, long memoryMiB, Instant from, Instant to,
                    boolean preemptible) {
    }
}
