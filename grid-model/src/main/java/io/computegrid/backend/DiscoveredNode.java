package io.computegrid.backend;

/**
 * A node as a backend reports it: its pool and model, cards, CPU (milli) and memory (MiB), cards
 * busy with work that is not ours, and whether it can take work.
 */
public record DiscoveredNode(String name, String pool, String accelerator, int cards, int cpuMilli, long memoryMiB,
                             int foreignBusyCards, boolean up) {
}
