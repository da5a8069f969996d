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
