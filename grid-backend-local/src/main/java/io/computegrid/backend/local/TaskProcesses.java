package io.computegrid.backend.local;

import io.computegrid.backend.BackendException;
import io.computegrid.backend.GridEnv;
import io.computegrid.backend.LaunchRequest;
import io.computegrid.backend.TaskLaunch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one task's process is built (argv, environment, files) and how its log file is written around it.
 *
 * <p>Every task starts behind a gate: {@code sh} waits on its stdin for the word {@code go}, then becomes the
 * command ({@code exec}, same pid, stdin from /dev/null). The backend sends it only once the control plane
 * has made the task's handle durable ({@link #release}); if the control plane dies first, the pipe closes and
 * the gate exits without running anything. So a task never runs unless its successor can find it by handle.
 */
final class TaskProcesses {
    private static final Logger LOG = LoggerFactory.getLogger(TaskProcesses.class);
    /** dash sets PWD, which the task's environment never had: unset before exec. */
    static final String GATE = "IFS= read -r go && [ \"$go\" = go ] || exit 125; unset PWD; exec \"$@\" </dev/null";
    private static final byte[] GO = "go\n".getBytes(StandardCharsets.US_ASCII);
    private final Path setsid;
    private final Map<String, String> baseEnv;

    /** {@code setsid} may be null: tasks then stay in the server's process group. */
    TaskProcesses(Path setsid, Map<String, String> baseEnv) {
        this.setsid = setsid;
        this.baseEnv = Map.copyOf(baseEnv);
    }

    ProcessBuilder builder(LaunchRequest r, TaskLaunch t, int port, int servicePort, String serviceHost, Path workDir,
                           Path log) throws BackendException {
        Map<String, String> env = new LinkedHashMap<>(baseEnv);
        String master = r.rendezvous() == null ? LocalBackend.MASTER_ADDR : r.rendezvous().masterAddr();
        env.putAll(GridEnv.forTask(r, t, master, port, servicePort));
        if (servicePort > 0) {
            env.put("GRID_HOST", serviceHost); // where the gateway reaches it: listen there, not only on loopback
        }
        List<String> argv = new ArrayList<>();
        if (setsid != null) {
            // the JVM's child is never a group leader, so setsid calls setsid(2) and execs in place: same pid
            argv.addAll(List.of(setsid.toString(), "--wait", "--"));
        }
        argv.addAll(List.of("/bin/sh", "-c", GATE, "grid-task"));
        argv.addAll(r.command());
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true);
        pb.environment().clear();
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getValue() == null) {
                throw Requests.invalid("environment variable " + e.getKey() + " has no value");
            }
            try {
                pb.environment().put(e.getKey(), e.getValue());
            } catch (IllegalArgumentException ex) {
                throw Requests.invalid("invalid environment variable " + e.getKey() + ": " + ex.getMessage());
            }
        }
        return pb;
    }

    /** Lets a gated task run its command. False when it is gone already (its exit is reported as usual). */
    static boolean release(Process p) {
        try (var in = p.getOutputStream()) {
            in.write(GO);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String header(LaunchRequest r) {
        return "--- attempt " + r.attempt() + " ---";
    }

    static void appendLog(Path log, String line) {
        try {
            Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.warn("cannot write {}: {}", log, e.getMessage());
        }
    }
}
