package io.computegrid.model;

import java.util.List;

/**
 * What one task of a job needs: one of the accepted accelerator models (empty list: any model,
 * or none when {@code milliCards} is 0), cards in milli-cards (1000 = one whole card), CPU in
 * milli-cores and memory in MiB.
 */
public record TaskResources(List<AcceleratorChoice> accelerators, int milliCards, int cpuMilli, long memoryMiB) {
    public TaskResources {
        accelerators = List.copyOf(accelerators == null ? List.of() : accelerators);
        if (milliCards < 0 || milliCards > 64_000) {
            throw new IllegalArgumentException("resources.count must be between 0 and 64");
        }
        if (milliCards > 1000 && milliCards % 1000 != 0) {
            throw new IllegalArgumentException("resources.count above 1 must be a whole number of cards");
        }
        if (cpuMilli < 0 || memoryMiB < 0) {
            throw new IllegalArgumentException("resources.cpu and resources.memory must not be negative");
        }
    }

    public boolean isFractional() {
        return milliCards > 0 && milliCards < 1000;
    }

    /** Whole cards (fractions round up to one card's slot). */
    public int wholeCards() {
        return (milliCards + 999) / 1000;
    }

    public boolean accepts(String model) {
        return accelerators.isEmpty() || accelerators.stream().anyMatch(a -> a.model().equals(model));
    }
}
