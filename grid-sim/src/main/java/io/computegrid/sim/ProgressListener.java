package io.computegrid.sim;

/** Told now and then how far a replay is (jobs that arrived of all jobs, and the simulated time). */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (arrived, total, simMillis) -> { };

    void progress(long arrived, long total, long simMillis);
}
