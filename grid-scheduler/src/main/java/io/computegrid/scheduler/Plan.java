package io.computegrid.scheduler;

import java.util.List;
import java.util.Map;

/**
 * The result of one cycle: jobs to start, jobs to preempt, reservations held, and for every
 * pending job that does not start the reason it waits. A plan is applied whole or not at all.
 * Preempted jobs are stopped and requeued by the caller; no job in the same plan starts on cards
 * that only the preemptions free (the preemptor starts in a later cycle).
 */
public record Plan(List<Placement> starts, List<Preemption> preemptions, List<Reservation> reservations,
                   Map<Long, Reason> waiting) {
    public Plan {
        starts = List.copyOf(starts);
        preemptions = List.copyOf(preemptions);
        reservations = List.copyOf(reservations);
        // the scheduler's own map is immutable and computes reasons of jobs it never reached lazily
        waiting = waiting instanceof WaitingReasons ? waiting : Map.copyOf(waiting);
    }

    public static Plan empty() {
        return new Plan(List.of(), List.of(), List.of(), Map.of());
    }
}
