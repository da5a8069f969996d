package io.computegrid.model;

/** The life of a job. A preempted or lost job goes back to PENDING. */
public enum JobState {
    PENDING, ADMITTED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** Holds cards on some node. */
    public boolean isActive() {
        return this == ADMITTED || this == RUNNING;
    }
}
