package io.computegrid.backend;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A placed gang for a backend to run. {@code attempt} counts starts of the same job (a preempted
 * or lost job starts again with attempt + 1); {@code env} holds the user's variables, the backend
 * adds the GRID_* ones (see {@link GridEnv}). {@code logDir} receives {@code task-N.log} files.
 * {@code exposePort}: each task serves requests (an inference replica); the backend picks a port on
 * the task's node, passes it as {@code GRID_PORT} and {@code PORT}, and reports where the task
 * listens through {@link BackendListener#taskEndpoint} before {@code taskStarted}.
 */
public record LaunchRequest(long jobId, int attempt, String jobName, String tenant, String center, String pool,
                            String accelerator, String visibleDevicesEnv, List<TaskLaunch> tasks,
                            List<String> command, Map<String, String> env, Duration maxRuntime, int cpuMilli,
                            long memoryMiB, Path logDir, Path checkpointDir, boolean resume, boolean exposePort) {
    public LaunchRequest {
        tasks = List.copyOf(tasks);
        command = List.copyOf(command);
        env = Map.copyOf(env);
    }

    /** A batch or training gang: no task serves requests. */
    public LaunchRequest(long jobId, int attempt, String jobName, String tenant, String center, String pool,
                         String accelerator, String visibleDevicesEnv, List<TaskLaunch> tasks,
                         List<String> command, Map<String, String> env, Duration maxRuntime, int cpuMilli,
                         long memoryMiB, Path logDir, Path checkpointDir, boolean resume) {
        this(jobId, attempt, jobName, tenant, center, pool, accelerator, visibleDevicesEnv, tasks, command, env,
                maxRuntime, cpuMilli, memoryMiB, logDir, checkpointDir, resume, false);
    }
}
