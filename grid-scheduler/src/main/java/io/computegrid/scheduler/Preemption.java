package io.computegrid.scheduler;

/** A running job to stop and requeue so that {@code forJobId} can start. */
public record Preemption(long victimJobId, long forJobId, Reason reason) {
}
