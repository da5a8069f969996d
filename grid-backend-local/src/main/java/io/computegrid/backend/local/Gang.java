package io.computegrid.backend.local;

import io.computegrid.backend.LaunchRequest;
import io.computegrid.backend.local.ProcFs.Proc;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

/**
 * One attempt of one job: its tasks and how it is being stopped. Mutable fields are guarded by the gang's
 * monitor; the first reason to stop the gang wins and is what every task still running reports.
 */
final class Gang {
    record Key(long jobId, int attempt) {
    }

    /** A logical card on a node; exclusive to one task while that task's processes live. */
    /** A card a task holds, and how many milli-cards of it (1000 unless the job asked for a fraction). */
    record Card(String node, int index, int milli) {
    }

    final Key key;
    final LaunchRequest request;
    final Path workDir;
    final List<Task> tasks;
    volatile String handle = "";
    /** The rendezvous port this gang keeps from being handed out as a serving port, 0 for none. */
    int heldMasterPort;

    // guarded by this
    String stopReason;
    long killAtNanos;
    int unfinished;
    ScheduledFuture<?> runtimeTimer;
    ScheduledFuture<?> killTimer;

    // checkpoint watching, guarded by checkpointLock
    final Object checkpointLock = new Object();
    long lastCheckpointMillis;

    /** Set once every task has been reported; the poller then forgets the gang. */
    volatile boolean done;

    Gang(LaunchRequest request, Path workDir, List<Task> tasks) {
        this.key = new Key(request.jobId(), request.attempt());
        this.request = request;
        this.workDir = workDir;
        this.tasks = List.copyOf(tasks);
        this.unfinished = tasks.size();
    }

    /** One OS process tree: the root process (in its own process group) and what it spawns. */
    static final class Task {
        final int index;
        final Path log;
        final List<Card> cards;
        /** The port a serving task listens on (GRID_PORT), 0 for batch work. */
        int servicePort;
        /** Null when the task never started. */
        Process process;
        Proc root;
        /** Descendants seen while stopping, kept so that those that left the group are killed too. */
        final Set<Proc> captured = ConcurrentHashMap.newKeySet();

        // guarded by the gang
        boolean signaled;
        boolean rootExited;
        boolean finished;
        int exitCode;
        String reason;

        // touched only by the task's own (serial) reaping loop
        boolean reapTermSent;
        boolean reapKillSent;
        long reapKillAtNanos;
        long reapGiveUpAtNanos;

        Task(int index, Path log, List<Card> cards) {
            this.index = index;
            this.log = log;
            this.cards = List.copyOf(cards);
        }

        String handle() {
            return "pid:" + root.pid() + ":" + root.startTicks();
        }
    }
}
