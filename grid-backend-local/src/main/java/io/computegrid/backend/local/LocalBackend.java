package io.computegrid.backend.local;

import io.computegrid.backend.ActiveJob;
import io.computegrid.backend.Backend;
import io.computegrid.backend.BackendException;
import io.computegrid.backend.BackendListener;
import io.computegrid.backend.GridEnv;
import io.computegrid.backend.LaunchRequest;
import io.computegrid.backend.local.Gang.Card;
import io.computegrid.backend.local.Gang.Task;
import io.computegrid.backend.local.LaunchSupport.StartFailure;
import io.computegrid.backend.local.ProcFs.Proc;
import io.computegrid.backend.local.Signals.Sig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each task of a gang as a real OS process on this machine, in its own process group (through
 * {@code setsid}), with the GRID_* environment of {@link GridEnv} and nothing of the server's environment but
 * PATH, HOME, LANG and TMPDIR. The command is an argv list, never given to a shell.
 *
 * <p>What the listener hears, always on one backend thread, in order for a job and never from inside a call to
 * this class: {@code taskStarted} with handle {@code pid:<pid>:<starttime>} for each started task, then exactly
 * one {@code taskExited} per task once its whole process group is gone, with reason {@code exited},
 * {@code exited with code N}, {@code killed: <cancel reason>}, {@code killed: maxRuntime exceeded (10m)},
 * {@code stopped: task N failed (exit X)} (gang siblings) or {@code failed to start: <why>} (exit 127, or 126 when
 * the file is not executable; no {@code taskStarted} then). {@code checkpoint} when a file under the job's
 * checkpoint directory becomes newer.
 *
 * <p>Files: {@code logDir/task-N.log} gets stdout and stderr, appended across attempts between a
 * {@code --- attempt K ---} header and a {@code --- attempt K: <reason> (exit X) ---} footer. Tasks run in
 * {@link LocalBackendOptions#workDir} (by default {@code <job dir>/work} next to {@code <job dir>/logs}).
 *
 * <p>A request with a {@link io.computegrid.backend.Rendezvous} is part of a gang spread over several backends
 * (agents): its tasks see that meeting point and gang size instead of 127.0.0.1 and a port picked here. Serving
 * ports come from {@link LocalBackendOptions#ports} when set (an agent's reserved range).
 *
 * <p>After a restart of the server, {@link #reconcile} kills what is left of old tasks and answers UNKNOWN, so that
 * the server requeues them (docs/decisions/local-restart-requeue.md). {@link #close} kills everything it started
 * without reporting it.
 */
public final class LocalBackend implements Backend {
    public static final String TYPE = "local";
    static final String MASTER_ADDR = "127.0.0.1";
    private static final Logger LOG = LoggerFactory.getLogger(LocalBackend.class);
    private static final long REAP_POLL_MILLIS = 50;
    static final Duration GIVE_UP_AFTER_KILL = Duration.ofSeconds(5);
    /** Longer limits are as good as none (and would overflow millis). */
    private static final Duration MAX_TIMER = Duration.ofDays(365L * 100);

    private final String center;
    private final BackendListener listener;
    private final LocalBackendOptions options;
    private final Path setsid;
    private final Signals signals = Signals.detect();
    private final StaleProcesses staleProcesses = new StaleProcesses(signals);
    private final TaskTree tree = new TaskTree(signals);
    private final TaskProcesses taskProcesses;
    private final ScheduledThreadPoolExecutor timers;
    private final ExecutorService events;
    private final ExecutorService killers;
    private final Map<Gang.Key, Gang> gangs = new ConcurrentHashMap<>();
    private final Object launchLock = new Object();
    private final CardLedger cards = new CardLedger();
    private final ServicePorts servicePorts;
    private volatile boolean closing;

    public LocalBackend(String centerName, BackendListener listener) {
        this(centerName, listener, LocalBackendOptions.defaults());
    }

    public LocalBackend(String centerName, BackendListener listener, LocalBackendOptions options) {
        this.center = Objects.requireNonNull(centerName, "centerName");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.options = Objects.requireNonNull(options, "options");
        this.setsid = Signals.findProgram("setsid", List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid")))
                .orElse(null);
        this.taskProcesses = new TaskProcesses(setsid, LaunchSupport.baseEnv(System.getenv()));
        this.servicePorts = new ServicePorts(options.ports());
        if (setsid == null) {
            LOG.warn("center {}: no setsid program (util-linux); tasks share the server's process group and only "
                    + "their descendants can be stopped", center);
        }
        this.timers = new ScheduledThreadPoolExecutor(2, daemon("timer"));
        timers.setRemoveOnCancelPolicy(true);
        this.events = Executors.newSingleThreadExecutor(daemon("events"));
        this.killers = Executors.newCachedThreadPool(daemon("killer"));
        long poll = options.checkpointPollInterval().toMillis();
        timers.scheduleWithFixedDelay(this::pollCheckpoints, poll, poll, TimeUnit.MILLISECONDS);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void ping() throws BackendException {
        if (!ProcFs.available()) {
            throw new BackendException("/proc is not readable: the local backend needs Linux", false);
        }
    }

    // ---------------------------------------------------------------- launch

    /**
     * Starts every task and returns at once with the job's handle: the task handles joined by commas. A request the
     * backend can never run (no tasks, a card given past its capacity, a bad variable) throws a non-retryable
     * {@link BackendException}; a card still held by a finishing task throws a retryable one. A command that cannot
     * be executed is not an exception: each task reports exit 127 "failed to start: ...". Launching the same job
     * attempt twice returns the first handle.
     */
    @Override
    public String launch(LaunchRequest r) throws BackendException {
        return launch(r, handle -> { });
    }

    /**
     * As {@link #launch(LaunchRequest)}, with the tasks held at their gate until {@code recorder} has made the
     * handle durable; if it throws, the tasks are killed before they ran anything and the exception propagates.
     */
    @Override
    public String launch(LaunchRequest r, HandleRecorder recorder) throws BackendException {
        Objects.requireNonNull(r, "request");
        Objects.requireNonNull(recorder, "recorder");
        Requests.validate(r);
        synchronized (launchLock) {
            if (closing) {
                throw new BackendException("local backend of center " + center + " is closed", true);
            }
            Gang existing = gangs.get(new Gang.Key(r.jobId(), r.attempt()));
            if (existing != null) {
                return existing.handle;
            }
            List<Card> reserved = cards.reserve(r);
            try {
                return start(r, recorder);
            } catch (BackendException | RuntimeException e) {
                gangs.remove(new Gang.Key(r.jobId(), r.attempt()));
                cards.release(reserved);
                throw e;
            }
        }
    }

    private String start(LaunchRequest r, HandleRecorder recorder) throws BackendException {
        GangSetup.Prepared prep = GangSetup.prepare(r, options, servicePorts, taskProcesses);
        Path workDir = prep.workDir();
        List<Task> tasks = prep.tasks();
        List<ProcessBuilder> builders = prep.builders();
        Gang g = new Gang(r, workDir, tasks);
        g.heldMasterPort = prep.heldMasterPort();
        g.lastCheckpointMillis = Checkpoints.newestMillis(r.checkpointDir()); // older files are not news
        gangs.put(g.key, g);

        Optional<StartFailure> bad = LaunchSupport.checkExecutable(r.command().get(0),
                builders.get(0).environment().get("PATH"), workDir);
        if (bad.isPresent()) {
            for (Task t : tasks) {
                TaskProcesses.appendLog(t.log, TaskProcesses.header(r));
                finish(g, t, bad.get().exitCode(), "failed to start: " + bad.get().message());
            }
            return g.handle;
        }
        int failedAt = -1;
        String failure = null;
        for (int i = 0; i < tasks.size(); i++) {
            Task t = tasks.get(i);
            try {
                Files.writeString(t.log, TaskProcesses.header(r) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                t.process = builders.get(i).start();
                long pid = t.process.pid();
                t.root = new Proc(pid, ProcFs.stat(pid).map(ProcFs.Stat::startTicks).orElse(0L));
            } catch (IOException | RuntimeException e) {
                failedAt = i;
                failure = "failed to start: " + e.getMessage();
                break;
            }
        }
        List<Task> started = tasks.stream().filter(t -> t.process != null).toList();
        g.handle = started.stream().map(Task::handle).collect(Collectors.joining(","));
        if (failedAt < 0) {
            try {
                recorder.record(g.handle);
            } catch (RuntimeException e) {
                abortGated(started);
                throw e;
            }
            for (Task t : started) {
                TaskProcesses.release(t.process);
            }
        }
        for (Task t : started) {
            String h = t.handle();
            if (t.servicePort > 0) {
                int p = t.servicePort;
                emit(() -> listener.taskEndpoint(r.jobId(), r.attempt(), t.index, options.serviceHost(), p));
            }
            emit(() -> listener.taskStarted(r.jobId(), r.attempt(), t.index, h));
        }
        if (failedAt >= 0) {
            Task f = tasks.get(failedAt);
            String stop = "stopped: task " + f.index + " failed (exit 127)";
            finish(g, f, 127, failure);
            for (Task t : tasks.subList(failedAt + 1, tasks.size())) {
                finish(g, t, 143, stop); // never started: reported as stopped at once
            }
            stopGang(g, stop);
        } else if (r.maxRuntime() != null && !r.maxRuntime().isZero()) { // null or zero: no limit
            String why = "killed: maxRuntime exceeded (" + LaunchSupport.human(r.maxRuntime()) + ")";
            long millis = r.maxRuntime().compareTo(MAX_TIMER) > 0 ? MAX_TIMER.toMillis() : r.maxRuntime().toMillis();
            synchronized (g) {
                g.runtimeTimer = timers.schedule(() -> stopGang(g, why), millis, TimeUnit.MILLISECONDS);
            }
        }
        for (Task t : started) {
            t.process.onExit().whenCompleteAsync((p, err) -> onRootExit(g, t), timers);
        }
        return g.handle;
    }

    /** Kills tasks still waiting at their gate (they never ran their command) and waits until they are gone. */
    private static void abortGated(List<Task> started) {
        for (Task t : started) {
            t.process.destroyForcibly();
        }
        for (Task t : started) {
            try {
                t.process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---------------------------------------------------------------- stopping and exits

    /** Cancels the job attempt: SIGTERM to every task's process group and descendants, SIGKILL after the grace. */
    @Override
    public void cancel(long jobId, int attempt, String handle, String reason) {
        String why = "killed: " + (reason == null || reason.isBlank() ? "cancelled" : reason.strip());
        Gang g;
        synchronized (launchLock) { // a launch in progress finishes first, so its tasks are all seen
            g = gangs.get(new Gang.Key(jobId, attempt));
        }
        if (g != null) {
            stopGang(g, why);
            return;
        }
        // not running here (finished, or started before a restart): kill what the handle names, report nothing
        List<Proc> stale = StaleProcesses.parseHandle(handle);
        if (!stale.isEmpty() && !closing) {
            try {
                killers.execute(() -> staleProcesses.killAndWait(stale, options.killGrace()));
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
    }

    /** First reason wins; tasks still running are signalled and will report {@code reason}. */
    private void stopGang(Gang g, String reason) {
        List<Task> live = new ArrayList<>();
        synchronized (g) {
            if (g.stopReason != null || g.done) {
                return;
            }
            g.stopReason = reason;
            g.killAtNanos = System.nanoTime() + options.killGrace().toNanos();
            if (g.runtimeTimer != null) {
                g.runtimeTimer.cancel(false);
            }
            for (Task t : g.tasks) {
                if (t.process != null && !t.rootExited) {
                    t.signaled = true;
                    live.add(t);
                }
            }
            try {
                g.killTimer = timers.schedule(() -> escalate(g), options.killGrace().toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closing: close() sends SIGKILL itself
            }
        }
        for (Task t : live) {
            TaskTree.capture(t); // before any signal: once a parent dies its children are no longer found
            tree.terminate(t, Sig.TERM);
        }
    }

    private void escalate(Gang g) {
        for (Task t : g.tasks) {
            boolean finished;
            synchronized (g) {
                finished = t.finished;
            }
            if (!finished && t.process != null) {
                if (t.process.isAlive()) {
                    TaskTree.capture(t);
                }
                tree.terminate(t, Sig.KILL);
            }
        }
    }

    private void onRootExit(Gang g, Task t) {
        int code = t.process.exitValue(); // 128+signal when a signal ended it
        String stopOthers = null;
        synchronized (g) {
            t.rootExited = true;
            t.exitCode = code;
            if (t.signaled) {
                t.reason = g.stopReason;
            } else if (code == 0) {
                t.reason = "exited";
            } else {
                t.reason = "exited with code " + code;
                if (g.stopReason == null) {
                    stopOthers = "stopped: task " + t.index + " failed (exit " + code + ")";
                }
            }
        }
        if (stopOthers != null) {
            stopGang(g, stopOthers);
        }
        reap(g, t);
    }

    /**
     * A task is over when its root process has exited and nothing of its process group (or of the descendants seen
     * while stopping it) is left: leftovers such as {@code sleep &} get SIGTERM, then SIGKILL after the grace.
     */
    private void reap(Gang g, Task t) {
        List<Proc> left = TaskTree.leftovers(t);
        long now = System.nanoTime();
        if (left.isEmpty()) {
            finish(g, t, t.exitCode, t.reason);
            return;
        }
        if (!t.reapTermSent) {
            t.reapTermSent = true;
            tree.signalLeftovers(t, left, Sig.TERM);
            long killAt = now + options.killGrace().toNanos();
            synchronized (g) {
                if (g.stopReason != null) {
                    killAt = Math.min(killAt, g.killAtNanos);
                }
            }
            t.reapKillAtNanos = killAt;
        } else if (!t.reapKillSent && now - t.reapKillAtNanos >= 0) {
            t.reapKillSent = true;
            tree.signalLeftovers(t, left, Sig.KILL);
            t.reapGiveUpAtNanos = now + GIVE_UP_AFTER_KILL.toNanos();
        } else if (t.reapKillSent && now - t.reapGiveUpAtNanos >= 0) {
            LOG.warn("job {} task {}: processes {} survive SIGKILL (uninterruptible?); reporting the task as ended",
                    g.key.jobId(), t.index, left);
            finish(g, t, t.exitCode, t.reason);
            return;
        }
        try {
            timers.schedule(() -> reap(g, t), REAP_POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed: nobody listens any more
        }
    }

    private void finish(Gang g, Task t, int code, String reason) {
        boolean last;
        synchronized (g) {
            if (t.finished) {
                return;
            }
            t.finished = true;
            t.exitCode = code;
            t.reason = reason;
            last = --g.unfinished == 0;
            if (last) {
                g.done = true;
                if (g.runtimeTimer != null) {
                    g.runtimeTimer.cancel(false);
                }
                if (g.killTimer != null) {
                    g.killTimer.cancel(false);
                }
            }
        }
        cards.release(t.cards);
        servicePorts.release(List.of(t), last ? g.heldMasterPort : 0);
        TaskProcesses.appendLog(t.log, "--- attempt " + g.request.attempt() + ": " + reason + " (exit " + code + ") ---");
        if (last) {
            pollCheckpoint(g); // a checkpoint written just before the end is reported before the exit
            gangs.remove(g.key, g);
        }
        long jobId = g.key.jobId();
        int attempt = g.key.attempt();
        emit(() -> listener.taskExited(jobId, attempt, t.index, code, reason));
    }

    // ---------------------------------------------------------------- checkpoints

    private void pollCheckpoints() {
        try {
            for (Gang g : gangs.values()) {
                if (!g.done) {
                    pollCheckpoint(g);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("center {}: checkpoint poll failed", center, e);
        }
    }

    private void pollCheckpoint(Gang g) {
        if (g.request.checkpointDir() == null) {
            return;
        }
        long newest = Checkpoints.newestMillis(g.request.checkpointDir());
        synchronized (g.checkpointLock) {
            if (newest > g.lastCheckpointMillis) {
                g.lastCheckpointMillis = newest;
                emit(() -> listener.checkpoint(g.key.jobId(), g.key.attempt(), newest));
            }
        }
    }

    // ---------------------------------------------------------------- restart and shutdown

    /**
     * Local processes are never re-adopted: whatever is left of a job from before a restart is killed (only when
     * both pid and start time in its handle match) and the job is reported UNKNOWN, so that the server requeues
     * it. Blocks until those processes are gone (at most the reconcile grace plus a few seconds). A job this
     * backend instance is running itself is reported RUNNING and left alone.
     */
    @Override
    public Map<Long, JobStatus> reconcile(List<ActiveJob> jobs) {
        Map<Long, JobStatus> out = new HashMap<>();
        List<Proc> stale = new ArrayList<>();
        for (ActiveJob j : jobs) {
            if (gangs.containsKey(new Gang.Key(j.jobId(), j.attempt()))) {
                out.put(j.jobId(), JobStatus.RUNNING);
            } else {
                stale.addAll(StaleProcesses.parseHandle(j.handle()));
                out.putIfAbsent(j.jobId(), JobStatus.UNKNOWN);
            }
        }
        if (!stale.isEmpty()) {
            staleProcesses.killAndWait(stale, options.reconcileGrace());
        }
        return out;
    }

    /**
     * Kills every task this backend started (SIGTERM, SIGKILL after the grace) and waits for them, without
     * reporting those exits: the server treats the jobs as lost and requeues them when it starts again.
     */
    @Override
    public void close() {
        List<Gang> all;
        synchronized (launchLock) {
            if (closing) {
                return;
            }
            closing = true;
            all = new ArrayList<>(gangs.values());
        }
        for (Gang g : all) {
            stopGang(g, "killed: backend closed");
        }
        long deadline = System.nanoTime() + options.killGrace().plus(GIVE_UP_AFTER_KILL).toNanos();
        while (!gangs.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        timers.shutdownNow();
        killers.shutdownNow();
        events.shutdown(); // events queued before close are still delivered
        try {
            events.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void emit(Runnable call) {
        if (closing) {
            return;
        }
        try {
            events.execute(() -> {
                try {
                    call.run();
                } catch (RuntimeException e) {
                    LOG.warn("center {}: listener failed", center, e);
                }
            });
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private ThreadFactory daemon(String role) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "local-backend-" + center + "-" + role + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
