package io.computegrid.config;

import io.computegrid.model.Names;

/** A named priority: higher {@code value} goes first and may preempt lower; {@code preemptible} work is cheaper. */
public record PriorityClass(String name, int value, boolean preemptible) {
    public PriorityClass {
        Names.requireValid(name, "priority class");
        if (value < 0 || value > 1_000_000) {
            throw new IllegalArgumentException("priority class " + name + ": value must be between 0 and 1000000");
        }
    }
}
