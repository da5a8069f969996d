package io.computegrid.scheduler;

import java.util.List;

/** A job to start: where each of its tasks goes, on which accelerator model, and why there. */
public record Placement(long jobId, String center, String pool, String accelerator, List<TaskAllocation> tasks,
                        Reason reason) {
    public Placement {
        tasks = List.copyOf(tasks);
    }
}
