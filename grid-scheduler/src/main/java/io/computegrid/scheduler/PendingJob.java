package io.computegrid.scheduler;

import io.computegrid.model.Dataset;
import io.computegrid.model.Objective;
import io.computegrid.model.TaskResources;
import java.util.List;

/**
 * A job waiting to start. {@code priority} is the value of its priority class; {@code order} is a
 * stable tie-breaker (submission sequence). Times are in milliseconds of the scheduler's clock;
 * {@code maxRuntimeMillis} is the user's limit (0: none), {@code attainedServiceMillis} the
 * card-time it already received in earlier attempts. {@code runtimeHintMillis} is an estimate of
 * the run time (0: unknown): the simulator sets the true duration for oracle policies such as sjf.
 * {@code queuedAt} is when the job last became pending (its submission, or the end of its last attempt)
 * and {@code lastRunMillis} how long that last attempt ran (0: never ran): LAS starvation avoidance
 * promotes a job that has waited long against its last run. {@code serving}: a replica of an inference service
 * (it may preempt training of the classes {@code scheduler.preemption.servingPreempts}; docs/services.md).
 */
public record PendingJob(long id, String tenant, int priority, long order, long submittedAt, int tasks,
                         TaskResources perTask, long maxRuntimeMillis, long minRuntimeMillis, boolean preemptible,
                         Objective objective, List<Dataset> datasets, List<String> centers,
                         long attainedServiceMillis, long runtimeHintMillis, long queuedAt, long lastRunMillis,
                         boolean serving) {
    public PendingJob {
        datasets = List.copyOf(datasets == null ? List.of() : datasets);
        centers = List.copyOf(centers == null ? List.of() : centers);
        objective = objective == null ? Objective.BALANCED : objective;
        if (lastRunMillis < 0) {
            throw new IllegalArgumentException("lastRunMillis must not be negative: " + lastRunMillis);
        }
    }

    /** A training or batch job (not a serving replica). */
    public PendingJob(long id, String tenant, int priority, long order, long submittedAt, int tasks,
                      TaskResources perTask, long maxRuntimeMillis, long minRuntimeMillis, boolean preemptible,
                      Objective objective, List<Dataset> datasets, List<String> centers,
                      long attainedServiceMillis, long runtimeHintMillis, long queuedAt, long lastRunMillis) {
        this(id, tenant, priority, order, submittedAt, tasks, perTask, maxRuntimeMillis, minRuntimeMillis, preemptible,
                objective, datasets, centers, attainedServiceMillis, runtimeHintMillis, queuedAt, lastRunMillis, false);
    }

    /** A job queued since its submission, or whose last attempt is not known. */
    public PendingJob(long id, String tenant, int priority, long order, long submittedAt, int tasks,
                      TaskResources perTask, long maxRuntimeMillis, long minRuntimeMillis, boolean preemptible,
                      Objective objective, List<Dataset> datasets, List<String> centers,
                      long attainedServiceMillis, long runtimeHintMillis) {
        this(id, tenant, priority, order, submittedAt, tasks, perTask, maxRuntimeMillis, minRuntimeMillis, preemptible,
                objective, datasets, centers, attainedServiceMillis, runtimeHintMillis, submittedAt, 0);
    }

    public PendingJob(long id, String tenant, int priority, long order, long submittedAt, int tasks,
                      TaskResources perTask, long maxRuntimeMillis, long minRuntimeMillis, boolean preemptible,
                      Objective objective, List<Dataset> datasets, List<String> centers,
                      long attainedServiceMillis) {
        this(id, tenant, priority, order, submittedAt, tasks, perTask, maxRuntimeMillis, minRuntimeMillis, preemptible,
                objective, datasets, centers, attainedServiceMillis, 0);
    }

    /** Milli-cards the whole gang needs. */
    public long totalMilliCards() {
        return (long) tasks * perTask.milliCards();
    }
}
