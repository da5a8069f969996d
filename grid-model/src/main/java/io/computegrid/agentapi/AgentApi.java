package io.computegrid.agentapi;

import io.computegrid.backend.LaunchRequest;
import io.computegrid.backend.Rendezvous;
import io.computegrid.backend.TaskLaunch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pull-mode agent protocol (docs/agent.md): the paths and the JSON messages both the server's agent endpoints
 * and the agent ({@code grid agent}) use, so that neither side spells a field the other does not know. Every call
 * is made by the agent (it dials out); the server never connects to an agent.
 */
public final class AgentApi {
    /** Everything under this prefix is the agent protocol: agent credentials only (join tokens for register). */
    public static final String PREFIX = "/api/v1/agent/";
    public static final String REGISTER = PREFIX + "register";
    public static final String STATUS = PREFIX + "status";
    public static final String POLL = PREFIX + "poll";
    public static final String LOGS = PREFIX + "logs";
    public static final String LEAVE = PREFIX + "leave";
    /** The largest log chunk one call carries. */
    public static final int MAX_CHUNK = 256 * 1024;
    /** The longest a poll waits for a command before it answers with none. */
    public static final long MAX_WAIT_MILLIS = 20_000;

    public static final String RUNNING = "RUNNING";
    public static final String EXITED = "EXITED";
    public static final String LAUNCH = "LAUNCH";
    public static final String CANCEL = "CANCEL";

    /** Both sides read messages with this mapper: fields one side does not know yet are ignored, not refused. */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private AgentApi() {
    }

    /** What an agent offers and where it can be reached; sent with a join token (first time) or its credential. */
    public record Registration(String name, String accelerator, int cards, int cpuMilli, long memoryMiB,
                               String address, int portFrom, int portTo, String session, String version,
                               List<TaskReport> tasks) {
        public Registration {
            tasks = tasks == null ? List.of() : List.copyOf(tasks);
        }
    }

    /** The agent's identity; {@code credential} only in the answer to a join (shown once, kept by the agent). */
    public record Registered(long agentId, String name, String center, String node, String pool, String credential,
                             long heartbeatMillis, long downAfterMillis) {
    }

    /** One task as the agent last saw it: RUNNING (with the port it serves on, 0 for none) or EXITED. */
    public record TaskReport(long jobId, int attempt, int index, String state, String handle, Integer exitCode,
                             String reason, int port) {
    }

    /** A checkpoint observed in a job's GRID_CHECKPOINT_DIR on the agent. */
    public record Checkpoint(long jobId, int attempt, long atMillis) {
    }

    /** The heartbeat: every task the agent runs or ran and whose exit the server has not confirmed yet. */
    public record StatusReport(String session, List<TaskReport> tasks, List<Checkpoint> checkpoints) {
        public StatusReport {
            tasks = tasks == null ? List.of() : List.copyOf(tasks);
            checkpoints = checkpoints == null ? List.of() : List.copyOf(checkpoints);
        }
    }

    public record TaskKey(long jobId, int attempt, int index) {
    }

    /** {@code forget}: exits the server has made durable; the agent stops reporting them. */
    public record StatusReply(long heartbeatMillis, long downAfterMillis, List<TaskKey> forget) {
        public StatusReply {
            forget = forget == null ? List.of() : List.copyOf(forget);
        }
    }

    /** Acknowledges carried-out commands and waits up to {@code waitMillis} for new ones. */
    public record PollRequest(List<Long> ack, long waitMillis) {
        public PollRequest {
            ack = ack == null ? List.of() : List.copyOf(ack);
        }
    }

    /** A durable command: delivered until acknowledged, so the agent carries each out at most once by id. */
    public record Command(long id, String type, long jobId, int attempt, LaunchSpec launch, String reason) {
    }

    public record PollReply(List<Command> commands) {
        public PollReply {
            commands = commands == null ? List.of() : List.copyOf(commands);
        }
    }

    /** The server's end of a task's log after a chunk: where the next chunk must start. */
    public record LogAccepted(long next, boolean dropped) {
    }

    public record Leave(String session, String reason) {
    }

    /** The agent's part of a gang: a {@link LaunchRequest} without the server's file paths. */
    public record LaunchSpec(String jobName, String tenant, String center, String pool, String accelerator,
                             String visibleDevicesEnv, List<TaskLaunch> tasks, List<String> command,
                             Map<String, String> env, long maxRuntimeMillis, int cpuMilli, long memoryMiB,
                             boolean resume, boolean exposePort, String masterAddr, int masterPort, int gangSize) {
        public LaunchSpec {
            tasks = tasks == null ? List.of() : List.copyOf(tasks);
            command = command == null ? List.of() : List.copyOf(command);
            env = env == null ? Map.of() : Map.copyOf(env);
        }

        public static LaunchSpec of(LaunchRequest r, List<TaskLaunch> part, Rendezvous meet) {
            return new LaunchSpec(r.jobName(), r.tenant(), r.center(), r.pool(), r.accelerator(),
                    r.visibleDevicesEnv(), part, r.command(), r.env(),
                    r.maxRuntime() == null ? 0 : r.maxRuntime().toMillis(), r.cpuMilli(), r.memoryMiB(), r.resume(),
                    r.exposePort(), meet.masterAddr(), meet.masterPort(), meet.gangSize());
        }

        public LaunchRequest toRequest(long jobId, int attempt, Path logDir, Path checkpointDir) {
            return new LaunchRequest(jobId, attempt, jobName, tenant, center, pool, accelerator, visibleDevicesEnv,
                    tasks, command, env, maxRuntimeMillis <= 0 ? null : Duration.ofMillis(maxRuntimeMillis), cpuMilli,
                    memoryMiB, logDir, checkpointDir, resume, exposePort,
                    new Rendezvous(masterAddr, masterPort, gangSize));
        }
    }
}
