package io.computegrid.sim;

/** Receives each job's final row as the replay settles it (completion order, then the rest at the end). */
@FunctionalInterface
public interface JobSink {
    JobSink NONE = r -> { };

    void accept(JobRecord record);
}
