package io.computegrid.scheduler;

import java.util.List;

/**
 * A job that holds cards (ADMITTED or RUNNING). {@code lastCheckpointAt} is 0 when it never
 * reported one; {@code maxRuntimeMillis} 0 when it has no limit.
 */
public record RunningJob(long id, String tenant, int priority, String center, String pool, String accelerator,
                         List<TaskAllocation> tasks, long startedAt, long maxRuntimeMillis, long minRuntimeMillis,
                         long lastCheckpointAt, boolean preemptible) {
    public RunningJob {
        tasks = List.copyOf(tasks);
    }

    public long milliCards() {
        long m = 0;
        for (TaskAllocation t : tasks) {
            m += t.milliCards();
        }
        return m;
    }

    /** When the job must have ended by its own limit, or Long.MAX_VALUE without one. */
    public long deadline() {
        return maxRuntimeMillis > 0 ? startedAt + maxRuntimeMillis : Long.MAX_VALUE;
    }
}
