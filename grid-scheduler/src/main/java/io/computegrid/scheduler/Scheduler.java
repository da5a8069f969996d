package io.computegrid.scheduler;

import io.computegrid.model.Clock;

/**
 * The scheduler is a function of a snapshot and the time: no I/O, no wall clock, no hidden state
 * that changes the result for the same input. The server and the simulator call the same one.
 */
public interface Scheduler {
    /** A short name for logs and reports (the policy name). */
    String name();

    Plan schedule(Snapshot snapshot, Clock clock);
}
