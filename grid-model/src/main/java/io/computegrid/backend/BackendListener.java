package io.computegrid.backend;

/**
 * How a backend reports back. Calls may come from any thread; the receiver makes them durable.
 * {@code handle} is the backend's own id for the task or gang (pid, Slurm job id, pod name).
 */
public interface BackendListener {
    void taskStarted(long jobId, int attempt, int taskIndex, String handle);

    /**
     * A task ended. {@code exitCode} is the process exit code (128+signal when killed by a signal);
     * {@code reason} says why in words ("exited", "killed: cancelled", "killed: maxRuntime exceeded", ...).
     */
    void taskExited(long jobId, int attempt, int taskIndex, int exitCode, String reason);

    /** A checkpoint was observed (for example a file touched in GRID_CHECKPOINT_DIR). */
    default void checkpoint(long jobId, int attempt, long atMillis) {
    }

    /**
     * Where a task of a {@link LaunchRequest#exposePort() port-exposing} job listens: the host the platform's
     * gateway can reach and the port given to the task as GRID_PORT. Reported before {@code taskStarted}.
     */
    default void taskEndpoint(long jobId, int attempt, int taskIndex, String host, int port) {
    }
}
