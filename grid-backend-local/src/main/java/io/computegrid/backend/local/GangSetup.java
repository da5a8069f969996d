package io.computegrid.backend.local;

import io.computegrid.backend.BackendException;
import io.computegrid.backend.LaunchRequest;
import io.computegrid.backend.TaskLaunch;
import io.computegrid.backend.local.Gang.Card;
import io.computegrid.backend.local.Gang.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a gang needs before any of its processes exists: its directories, its rendezvous port, a serving
 * port per task when asked, and each task's process builder. A failure here leaves nothing held.
 */
final class GangSetup {
    /** What {@link #prepare} made: {@code heldMasterPort} is the rendezvous port when it was taken from the range. */
    record Prepared(Path workDir, int masterPort, int heldMasterPort, List<Task> tasks, List<ProcessBuilder> builders) {
    }

    private GangSetup() {
    }

    static Prepared prepare(LaunchRequest r, LocalBackendOptions options, ServicePorts ports, TaskProcesses processes)
            throws BackendException {
        Path workDir = options.workDir().apply(r).toAbsolutePath().normalize();
        try {
            Files.createDirectories(r.logDir());
            Files.createDirectories(workDir);
            if (r.checkpointDir() != null) {
                Files.createDirectories(r.checkpointDir());
            }
        } catch (IOException | RuntimeException e) {
            throw new BackendException("cannot create the directories of job " + r.jobId() + ": " + e, false, e);
        }
        int port;
        if (r.rendezvous() != null) { // the gang spans backends: its meeting point was chosen for all of them
            port = r.rendezvous().masterPort();
        } else {
            try {
                port = LaunchSupport.freeLoopbackPort();
            } catch (IOException e) {
                throw new BackendException("no free loopback port for the rendezvous: " + e.getMessage(), true, e);
            }
        }
        List<Task> tasks = new ArrayList<>();
        List<ProcessBuilder> builders = new ArrayList<>();
        int heldMaster = ports.hold(port) ? port : 0;
        try {
            for (TaskLaunch t : r.tasks()) {
                Path log = r.logDir().resolve("task-" + t.index() + ".log");
                List<Card> cards = new ArrayList<>();
                for (int c : t.cards()) {
                    cards.add(new Card(t.node(), c, t.milliPerCard()));
                }
                Task task = new Task(t.index(), log, cards);
                tasks.add(task);
                if (r.exposePort()) {
                    try {
                        task.servicePort = ports.take();
                    } catch (IOException e) {
                        throw new BackendException("no free port for a serving task: " + e.getMessage(), true, e);
                    }
                }
                // all checks before any process exists
                builders.add(processes.builder(r, t, port, task.servicePort, options.serviceHost(), workDir, log));
            }
        } catch (BackendException | RuntimeException e) {
            ports.release(tasks, heldMaster);
            throw e;
        }
        return new Prepared(workDir, port, heldMaster, tasks, builders);
    }
}
