package io.computegrid.backend;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a center's backend does for the control plane: run placed gangs, stop them, say what they
 * are doing and what capacity the center has. Implemented by the local process runner, Slurm
 * (slurmrestd) and Kubernetes. Reports flow back through the {@link BackendListener} given at creation.
 */
public interface Backend extends AutoCloseable {
    String type();

    /** Starts all tasks of the gang; returns the backend's handle for the whole job. */
    String launch(LaunchRequest request) throws BackendException;

    /**
     * Makes a launch's handle durable in the control plane's store (a fenced write) before the tasks run;
     * throws (the write was refused: this server is no longer the active one) to abort the launch.
     */
    @FunctionalInterface
    interface HandleRecorder {
        void record(String handle);
    }

    /**
     * Starts the gang as {@link #launch(LaunchRequest)} does, letting the control plane record the handle first,
     * so that a control plane that dies mid-launch leaves nothing running that its successor cannot find. A
     * backend that can hold its tasks until then does (the local one: its tasks wait for a go that follows the
     * recording); this default launches, records, and cancels what it launched when recording fails.
     */
    default String launch(LaunchRequest request, HandleRecorder recorder) throws BackendException {
        String handle = launch(request);
        try {
            recorder.record(handle);
        } catch (RuntimeException e) {
            try {
                cancel(request.jobId(), request.attempt(), handle, "launch aborted: " + e.getMessage());
            } catch (BackendException ignored) {
                // the control plane that launched it is stopping; its successor reconciles by handle
            }
            throw e;
        }
        return handle;
    }

    /** Stops every task of the job (the whole process tree, the Slurm job, the Kubernetes Job). Idempotent. */
    void cancel(long jobId, int attempt, String handle, String reason) throws BackendException;

    /**
     * After a restart of the control plane: for each job the store believes active, what the
     * backend knows. Jobs it no longer knows map to {@link JobStatus#UNKNOWN}.
     */
    default Map<Long, JobStatus> reconcile(List<ActiveJob> jobs) throws BackendException {
        return Map.of();
    }

    /** Nodes and capacity as the backend sees them; empty when the center's config is the truth. */
    default Optional<List<DiscoveredNode>> discover() throws BackendException {
        return Optional.empty();
    }

    /**
     * The output of one task, for backends whose tasks do not write into the server's log directory
     * (Kubernetes keeps it with the pod); empty when the backend has none to give.
     */
    default Optional<String> logs(long jobId, int attempt, String handle, int taskIndex) throws BackendException {
        return Optional.empty();
    }

    /** A quick liveness probe of the backend itself. */
    default void ping() throws BackendException {
    }

    @Override
    default void close() {
    }

    /** What a backend knows of a job in {@link #reconcile}. */
    enum JobStatus { PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED, UNKNOWN }
}
