package io.computegrid.sim.trace;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Trace formats by name: each constant is the constructor of its streaming reader. */
public enum TraceFormat {
    /** The Philly job table: timestamp,duration,num_gpus,gpu_time,cluster (cluster is the tenant). */
    PHILLY(PhillyReader::new, true),
    /** Alibaba's openb pod list: fractional cards and GPU-type constraints. */
    OPENB(OpenbReader::new, false),
    /** The project's own CSV (CONTRACT.md): submit_time,duration,num_gpus + optional columns. */
    CSV(GridCsvReader::new, false);

    @FunctionalInterface
    interface Constructor {
        TraceReader open(Path file);
    }

    private final Constructor constructor;
    private final boolean absoluteTimes;

    TraceFormat(Constructor constructor, boolean absoluteTimes) {
        this.constructor = constructor;
        this.absoluteTimes = absoluteTimes;
    }

    public TraceReader open(Path file) {
        return constructor.open(file);
    }

    /** Submit times are wall-clock instants (the replay starts at the earliest one), not offsets. */
    public boolean absoluteTimes() {
        return absoluteTimes;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TraceFormat byName(String name) {
        for (TraceFormat f : values()) {
            if (f.label().equals(name)) {
                return f;
            }
        }
        throw new TraceException("unknown trace format '" + name + "'; known: "
                + Arrays.stream(values()).map(TraceFormat::label).collect(Collectors.joining(", ")));
    }
}
