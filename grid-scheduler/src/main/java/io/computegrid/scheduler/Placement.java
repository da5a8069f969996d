package io.computegrid.scheduler;

import java.util.List;

/**
 * A job to start: where each of its tasks goes, on which accelerator model, and why there.
 * {@code scores} is the table of every center and pool considered (empty for policies that do not
 * score centers), the winner first.
 */
public record Placement(long jobId, String center, String pool, String accelerator, List<TaskAllocation> tasks,
                        Reason reason, List<CenterScore> scores) {
    public Placement {
        tasks = List.copyOf(tasks);
        scores = List.copyOf(scores == null ? List.of() : scores);
    }

    public Placement(long jobId, String center, String pool, String accelerator, List<TaskAllocation> tasks,
                     Reason reason) {
        this(jobId, center, pool, accelerator, tasks, reason, List.of());
    }
}
