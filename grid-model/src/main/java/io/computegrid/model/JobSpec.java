package io.computegrid.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a tenant asks for: a gang of {@code tasks} identical tasks, each with {@code resources},
 * running {@code command}. Validated on construction; see {@code io.computegrid.spec.JobSpecParser}
 * for the wire format.
 *
 * @param centers    centers the job may run in (empty: any)
 * @param minRuntime the job is never preempted before it has run this long
 * @param preemptible the tenant accepts preemption (cheaper price class)
 * @param budget     the most this job may cost in the platform currency (null: no cap of its own)
 */
public record JobSpec(String name, String tenant, String priority, int tasks, TaskResources resources,
                      List<String> command, Map<String, String> env, Duration maxRuntime, Duration minRuntime,
                      boolean preemptible, Objective objective, List<Dataset> datasets, List<String> centers,
                      java.math.BigDecimal budget) {
    public static final int MAX_TASKS = 1024;
    public static final Duration MAX_RUNTIME_LIMIT = Duration.ofDays(365);

    public JobSpec {
        Names.requireValid(name, "job");
        if (tenant != null) {
            Names.requireValid(tenant, "tenant");
        }
        priority = priority == null ? "normal" : priority;
        Names.requireValid(priority, "priority class");
        if (tasks < 1 || tasks > MAX_TASKS) {
            throw new IllegalArgumentException("tasks must be between 1 and " + MAX_TASKS);
        }
        if (resources == null) {
            throw new IllegalArgumentException("resources are required");
        }
        command = List.copyOf(command == null ? List.of() : command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must be a non-empty list of strings");
        }
        env = Map.copyOf(env == null ? Map.of() : env);
        if (maxRuntime != null && (maxRuntime.isNegative() || maxRuntime.isZero()
                || maxRuntime.compareTo(MAX_RUNTIME_LIMIT) > 0)) {
            throw new IllegalArgumentException("maxRuntime must be positive and at most 365d");
        }
        if (minRuntime != null && (minRuntime.isNegative() || minRuntime.compareTo(MAX_RUNTIME_LIMIT) > 0)) {
            throw new IllegalArgumentException("minRuntime must be between 0 and 365d");
        }
        objective = objective == null ? Objective.BALANCED : objective;
        datasets = List.copyOf(datasets == null ? List.of() : datasets);
        centers = List.copyOf(centers == null ? List.of() : centers);
        if (budget != null && budget.signum() < 0) {
            throw new IllegalArgumentException("budget must not be negative");
        }
    }

    public JobSpec(String name, String tenant, String priority, int tasks, TaskResources resources,
                   List<String> command, Map<String, String> env, Duration maxRuntime, Duration minRuntime,
                   boolean preemptible, Objective objective, List<Dataset> datasets, List<String> centers) {
        this(name, tenant, priority, tasks, resources, command, env, maxRuntime, minRuntime, preemptible, objective,
                datasets, centers, null);
    }

    public JobSpec withTenant(String t) {
        return new JobSpec(name, t, priority, tasks, resources, command, env, maxRuntime, minRuntime,
                preemptible, objective, datasets, centers, budget);
    }
}
