package io.computegrid.scheduler;

/**
 * A node's capacity as the scheduler sees it (what is used follows from the running jobs).
 * {@code schedulable} is false for nodes that are down, drained or in a center that is down.
 */
public record NodeInfo(String name, String center, String pool, String accelerator, int cards,
                       int cpuMilli, long memoryMiB, boolean schedulable) {
}
