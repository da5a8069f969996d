package io.computegrid.scheduler;

/** Ordering plugins: which pending job the cycle considers next. */
interface Ordering extends Plugin {
    /** A queue over the snapshot's pending jobs for one cycle. */
    JobQueue queue(Cycle cycle);

    /** The jobs of one cycle in the order they are considered. */
    interface JobQueue {
        /** The next job, or null when none is left. */
        PendingJob next();

        /** Tells the queue the job it just returned has started (fair share moves). */
        default void started(PendingJob job) {
        }
    }
}
