package io.computegrid.model;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A set of identical nodes in one center. CPU is in milli-cores and memory in MiB per node.
 * {@code pricePerCardHour} is the list price in the platform currency (the price book may refine it).
 */
public record Pool(String name, String accelerator, int nodes, int acceleratorsPerNode,
                   int cpuMilliPerNode, long memoryMiBPerNode, BigDecimal pricePerCardHour) {
    public Pool {
        Names.requireValid(name, "pool");
        Objects.requireNonNull(accelerator, "accelerator");
        if (nodes < 0 || nodes > 100_000) {
            throw new IllegalArgumentException("pool " + name + ": nodes must be between 0 and 100000");
        }
        if (acceleratorsPerNode < 0 || acceleratorsPerNode > 64) {
            throw new IllegalArgumentException("pool " + name + ": acceleratorsPerNode must be between 0 and 64");
        }
        if (cpuMilliPerNode <= 0 || memoryMiBPerNode <= 0) {
            throw new IllegalArgumentException("pool " + name + ": cpu and memory must be positive");
        }
        pricePerCardHour = pricePerCardHour == null ? BigDecimal.ZERO : pricePerCardHour;
        if (pricePerCardHour.signum() < 0) {
            throw new IllegalArgumentException("pool " + name + ": pricePerCardHour must not be negative");
        }
    }

    public long totalCards() {
        return (long) nodes * acceleratorsPerNode;
    }
}
