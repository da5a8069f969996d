package io.computegrid.scheduler;

import java.util.List;

/**
 * A job that holds cards (ADMITTED or RUNNING). {@code lastCheckpointAt} is 0 when it never
 * reported one; {@code maxRuntimeMillis} 0 when it has no limit. {@code acceptedModels} are the
 * accelerator models the job would have accepted (empty: any, or not known): fragmentation scoring
 * uses them to tell which nodes a task of the same shape could use. {@code attainedBeforeMillis} is the
 * card-time (card-milliseconds) the job received in earlier attempts, as {@link PendingJob#attainedServiceMillis()}
 * had it when this attempt started: least-attained-service counts the whole history, not this attempt alone.
 * {@code serving}: a replica of an inference service (training never preempts serving of equal or higher priority).
 */
public record RunningJob(long id, String tenant, int priority, String center, String pool, String accelerator,
                         List<TaskAllocation> tasks, long startedAt, long maxRuntimeMillis, long minRuntimeMillis,
                         long lastCheckpointAt, boolean preemptible, List<String> acceptedModels,
                         long attainedBeforeMillis, boolean serving) {
    public RunningJob {
        tasks = List.copyOf(tasks);
        acceptedModels = acceptedModels == null ? List.of() : List.copyOf(acceptedModels);
        if (attainedBeforeMillis < 0) {
            throw new IllegalArgumentException("attainedBeforeMillis must not be negative: " + attainedBeforeMillis);
        }
    }

    /** A training or batch job (not a serving replica). */
    public RunningJob(long id, String tenant, int priority, String center, String pool, String accelerator,
                      List<TaskAllocation> tasks, long startedAt, long maxRuntimeMillis, long minRuntimeMillis,
                      long lastCheckpointAt, boolean preemptible, List<String> acceptedModels,
                      long attainedBeforeMillis) {
        this(id, tenant, priority, center, pool, accelerator, tasks, startedAt, maxRuntimeMillis, minRuntimeMillis,
                lastCheckpointAt, preemptible, acceptedModels, attainedBeforeMillis, false);
    }

    /** A running job in its first attempt (or whose earlier service is not known). */
    public RunningJob(long id, String tenant, int priority, String center, String pool, String accelerator,
                      List<TaskAllocation> tasks, long startedAt, long maxRuntimeMillis, long minRuntimeMillis,
                      long lastCheckpointAt, boolean preemptible, List<String> acceptedModels) {
        this(id, tenant, priority, center, pool, accelerator, tasks, startedAt, maxRuntimeMillis, minRuntimeMillis,
                lastCheckpointAt, preemptible, acceptedModels, 0);
    }

    /** A running job whose accepted models are not known (treated as any model). */
    public RunningJob(long id, String tenant, int priority, String center, String pool, String accelerator,
                      List<TaskAllocation> tasks, long startedAt, long maxRuntimeMillis, long minRuntimeMillis,
                      long lastCheckpointAt, boolean preemptible) {
        this(id, tenant, priority, center, pool, accelerator, tasks, startedAt, maxRuntimeMillis, minRuntimeMillis,
                lastCheckpointAt, preemptible, List.of());
    }

    public long milliCards() {
        long m = 0;
        for (TaskAllocation t : tasks) {
            m += t.milliCards();
        }
        return m;
    }

    /** Card-seconds attained over all attempts by {@code now}: earlier attempts plus this one so far. */
    public long attainedCardSeconds(long now) {
        return (attainedBeforeMillis + milliCards() * Math.max(0, now - startedAt) / 1000) / 1000;
    }

    /** When the job must have ended by its own limit, or Long.MAX_VALUE without one. */
    public long deadline() {
        return maxRuntimeMillis > 0 ? startedAt + maxRuntimeMillis : Long.MAX_VALUE;
    }
}
