package io.computegrid.sim;

/**
 * The seam for pricing a replay (owned by the economic layer): every stretch of time a job held
 * cards, with where and on what. A preempted job yields one segment per attempt. Default: ignore.
 */
public interface UsageSink {
    UsageSink NONE = new UsageSink() { };

    /** How a segment ended. */
    enum Outcome { COMPLETED, KILLED, PREEMPTED, RUNNING_AT_END }

    record Segment(String jobId, String tenant, String center, String pool, String accelerator, long milliCards,
                   long startMillis, long endMillis, Outcome outcome) {
        public double cardSeconds() {
            return milliCards / 1000.0 * (endMillis - startMillis) / 1000.0;
        }
    }

    default void segment(Segment s) {
    }

    /** Extra figures for the summary (for example a total cost); empty by default. */
    default java.util.Map<String, Object> summary() {
        return java.util.Map.of();
    }
}
