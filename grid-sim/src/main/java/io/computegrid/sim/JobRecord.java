package io.computegrid.sim;

/**
 * One row of {@code jobs.csv}: how a job ended. Times in ms from trace start, -1 when it never
 * happened. {@code status}: completed, killed (hit its max runtime), rejected (fits nowhere),
 * unscheduled (fill mode: no room on arrival), pending or running (still so when the replay ended).
 * {@code nodes}: the nodes of the last placement, joined by '+' (null when never placed).
 */
public record JobRecord(String jobId, String tenant, long milliGpus, long submit, long start, long end, String status,
                        int preemptions, String center, String accelerator, String reason, String nodes) {
}
