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
 * {@code rendezvous} (optional, null: the backend picks): the gang's meeting point and size when this request
 * carries only the part of a gang that one backend runs (a gang spread over several agents).
 */
public record LaunchRequest(long jobId, int attempt, String jobName, String tenant, String center, String pool,
                            String accelerator, String visibleDevicesEnv, List<TaskLaunch> tasks,
                            List<String> command, Map<String, String> env, Duration maxRuntime, int cpuMilli,
                            long memoryMiB, Path logDir, Path checkpointDir, boolean resume, boolean exposePort,
                            Rendezvous rendezvous) {
    public LaunchRequest {
        tasks = List.copyOf(tasks);
        command = List.copyOf(command);
        env = Map.copyOf(env);
    }

    /** A gang run whole by one backend, which picks the rendezvous itself. */
    public LaunchRequest(long jobId, int attempt, String jobName, String tenant, String center, String pool,
                         String accelerator, String visibleDevicesEnv, List<TaskLaunch> tasks,
                         List<String> command, Map<String, String> env, Duration maxRuntime, int cpuMilli,
                         long memoryMiB, Path logDir, Path checkpointDir, boolean resume, boolean exposePort) {
        this(jobId, attempt, jobName, tenant, center, pool, accelerator, visibleDevicesEnv, tasks, command, env,
                maxRuntime, cpuMilli, memoryMiB, logDir, checkpointDir, resume, exposePort, null);
    }

    /** A batch or training gang: no task serves requests. */
    public LaunchRequest(long jobId, int attempt, String jobName, String tenant, String center, String pool,
                         String accelerator, String visibleDevicesEnv, List<TaskLaunch> tasks,
                         List<String> command, Map<String, String> env, Duration maxRuntime, int cpuMilli,
                         long memoryMiB, Path logDir, Path checkpointDir, boolean resume) {
        this(jobId, attempt, jobName, tenant, center, pool, accelerator, visibleDevicesEnv, tasks, command, env,
                maxRuntime, cpuMilli, memoryMiB, logDir, checkpointDir, resume, false, null);
    }

    /** The size of the whole gang: the rendezvous' when this request carries a part of it. */
    public int gangSize() {
        return rendezvous == null ? tasks.size() : rendezvous.gangSize();
    }

    /** The same request for a part of the gang, meeting at {@code r}, with its files under other directories. */
    public LaunchRequest part(List<TaskLaunch> someTasks, Rendezvous r, Path logDir, Path checkpointDir) {
        return new LaunchRequest(jobId, attempt, jobName, tenant, center, pool, accelerator, visibleDevicesEnv,
                someTasks, command, env, maxRuntime, cpuMilli, memoryMiB, logDir, checkpointDir, resume, exposePort, r);
    }
}
