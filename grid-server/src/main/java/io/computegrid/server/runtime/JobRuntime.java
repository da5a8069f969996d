package io.computegrid.server.runtime;

import io.computegrid.backend.Backend;
import io.computegrid.backend.BackendException;
import io.computegrid.backend.BackendListener;
import io.computegrid.backend.LaunchRequest;
import io.computegrid.backend.TaskLaunch;
import io.computegrid.model.Accelerator;
import io.computegrid.model.Clock;
import io.computegrid.model.JobSpec;
import io.computegrid.model.JobState;
import io.computegrid.server.events.EventBus;
import io.computegrid.server.federation.Federation;
import io.computegrid.server.jobs.JobPaths;
import io.computegrid.server.jobs.JobStore;
import io.computegrid.server.jobs.JobStore.JobRow;
import io.computegrid.server.jobs.JobStore.TaskRow;
import io.computegrid.store.leadership.LeadershipLostException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out committed decisions on the backends and makes what they report durable: launches
 * admitted jobs, stops cancelled or preempted ones, and turns task exits into job outcomes, each
 * state change in one transaction with its events and usage.
 */
public final class JobRuntime implements BackendListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobRuntime.class);

    private final Jdbi jdbi;
    private final JobStore jobs;
    private final EventBus bus;
    private final JobPaths paths;
    private final Federation federation;
    private final BackendRegistry backends;
    private final Clock clock;
    private final Runnable wake;
    private final TaskMeter meter;
    private final LostJobs lost;
    /** Throws when this server may no longer act (its leadership lease): checked right before every backend call. */
    private volatile Runnable mayAct = () -> { };
    private final ExecutorService launcher = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "grid-launch");
        t.setDaemon(true);
        return t;
    });
    private final Map<Long, Object> locks = new ConcurrentHashMap<>();
    /** Set at shutdown: tasks killed because the server stops are requeued at the next start, not failed now. */
    private volatile boolean shuttingDown;

    public JobRuntime(Jdbi jdbi, JobStore jobs, EventBus bus, JobPaths paths, Federation federation,
                      BackendRegistry backends, Clock clock, Runnable wake) {
        this.jdbi = jdbi;
        this.jobs = jobs;
        this.bus = bus;
        this.paths = paths;
        this.federation = federation;
        this.backends = backends;
        this.clock = clock;
        this.wake = wake;
        this.meter = new TaskMeter(jdbi, jobs, federation, clock);
        this.lost = new LostJobs(jdbi, jobs, bus, backends, clock, meter, this::checkMayAct);
    }

    public void shuttingDown() {
        shuttingDown = true;
        launcher.shutdownNow();
    }

    public void usageRecorder(UsageRecorder r) {
        meter.recorder(r);
    }

    /** The check run right before every backend action (the leadership lease's); it throws to forbid it. */
    public void beforeBackendAction(Runnable check) {
        this.mayAct = check;
    }

    /** Throws unless this server may act on backends now (for other components that call backends). */
    public void checkMayAct() {
        mayAct.run();
    }

    private Object lock(long jobId) {
        return locks.computeIfAbsent(jobId, k -> new Object());
    }

    private Timestamp now() {
        return new Timestamp(clock.nowMillis());
    }

    /** Launches an admitted job on its center's backend (asynchronously). */
    public void launch(long jobId) {
        launcher.execute(() -> {
            try {
                doLaunch(jobId);
            } catch (LeadershipLostException e) {
                log.info("job {}: not launched, this server lost leadership", jobId);
            } catch (RuntimeException e) {
                if (shuttingDown) {
                    return;
                }
                log.error("launch of job {} failed unexpectedly", jobId, e);
                requeueOrFail(jobId, -1, "launch failed: " + e.getMessage(), false);
            }
        });
    }

    private void doLaunch(long jobId) {
        LaunchRequest req;
        Backend backend;
        synchronized (lock(jobId)) {
            Optional<JobRow> row = jobs.find(jobId);
            if (row.isEmpty() || row.get().state() != JobState.ADMITTED || row.get().stopRequest() != null) {
                return;
            }
            JobRow j = row.get();
            List<TaskRow> tasks = jdbi.withHandle(h -> jobs.tasks(h, jobId, j.attempt()));
            JobSpec spec = jobs.spec(j.specJson());
            Optional<Backend> b = backends.get(j.center());
            if (b.isEmpty()) {
                requeueOrFail(jobId, j.attempt(), "center " + j.center() + " has no backend", true);
                return;
            }
            backend = b.get();
            Accelerator acc = j.accelerator() == null ? null : federation.base().catalog().find(j.accelerator()).orElse(null);
            List<TaskLaunch> launches = new ArrayList<>();
            for (TaskRow t : tasks) {
                launches.add(new TaskLaunch(t.index(), t.node(), t.cards(), t.milliPerCard()));
            }
            req = new LaunchRequest(jobId, j.attempt(), j.name(), j.tenant(), j.center(), j.pool(), j.accelerator(),
                    acc == null ? null : acc.visibleDevicesEnv(), launches, spec.command(), spec.env(),
                    spec.maxRuntime(), spec.resources().cpuMilli(), spec.resources().memoryMiB(),
                    paths.logDir(jobId), paths.checkpointDir(jobId), j.attempt() > 1, j.serving());
        }
        // the last fenced write before the backend acts: it claims this attempt's one launch (an old leader's
        // claim fails here), then the lease is checked once more right before the call
        if (!claimLaunch(jobId, req.attempt())) {
            return;
        }
        mayAct.run();
        try {
            java.util.concurrent.atomic.AtomicBoolean recorded = new java.util.concurrent.atomic.AtomicBoolean();
            String handle = backend.launch(req, h -> {
                recordHandle(jobId, req.attempt(), h);
                recorded.set(true);
            });
            if (!recorded.get()) {
                recordHandle(jobId, req.attempt(), handle);
            }
        } catch (BackendException e) {
            log.warn("job {}: backend refused launch: {}", jobId, e.getMessage());
            requeueOrFail(jobId, req.attempt(), "launch on " + req.center() + " failed: " + e.getMessage(), e.retryable());
        }
    }

    /** True when this server may launch the attempt: still admitted, not stopping, not launched before. */
    private boolean claimLaunch(long jobId, int attempt) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE jobs SET updated_at = now() WHERE id = :id AND attempt = :a "
                        + "AND state = 'ADMITTED' AND stop_request IS NULL AND handle IS NULL")
                .bind("id", jobId).bind("a", attempt).execute()) == 1;
    }

    /** The handle is durable before the tasks run (see Backend.launch with a recorder). */
    private void recordHandle(long jobId, int attempt, String handle) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE jobs SET handle = :h WHERE id = :id AND attempt = :a")
                .bind("h", handle).bind("id", jobId).bind("a", attempt).execute());
    }

    /** A launch that failed: back to the queue when it may work later, otherwise FAILED. */
    private void requeueOrFail(long jobId, int attempt, String reason, boolean retry) {
        EventBus.Batch ev = bus.batch();
        boolean changed = jdbi.inTransaction(h -> {
            Optional<JobRow> row = jobs.find(h, jobId, true);
            if (row.isEmpty() || row.get().state().isTerminal() || row.get().state() == JobState.PENDING
                    || (attempt >= 0 && row.get().attempt() != attempt)) {
                return false;
            }
            JobRow j = row.get();
            meter.closeOpen(h, j, "launch failed", now());
            jobs.releaseCards(h, jobId);
            if (retry) {
                h.createUpdate("UPDATE jobs SET state = 'PENDING', stop_request = NULL, reason = :r, updated_at = now() "
                        + "WHERE id = :id").bind("r", reason).bind("id", jobId).execute();
                ev.add(h, jobId, j.tenant(), "REQUEUED", "PENDING", reason);
            } else {
                h.createUpdate("UPDATE jobs SET state = 'FAILED', finished_at = :now, reason = :r, updated_at = now() "
                        + "WHERE id = :id").bind("now", now()).bind("r", reason).bind("id", jobId).execute();
                ev.add(h, jobId, j.tenant(), "FAILED", "FAILED", reason);
            }
            return true;
        });
        if (changed) {
            ev.publish();
            wake.run();
        }
    }

    /**
     * Asks the backend to stop a job that holds cards; {@code request} is CANCEL, PREEMPT or LOST
     * and decides what the job becomes once every task has exited.
     */
    public void stop(long jobId, String request, String reason) {
        JobRow j;
        synchronized (lock(jobId)) {
            EventBus.Batch ev = bus.batch();
            j = jdbi.inTransaction(h -> {
                Optional<JobRow> row = jobs.find(h, jobId, true);
                if (row.isEmpty() || !row.get().state().isActive()) {
                    return null;
                }
                JobRow r = row.get();
                if (r.stopRequest() != null && !"PREEMPT".equals(r.stopRequest())) {
                    return r; // already stopping for a stronger reason; cancel again below is harmless
                }
                h.createUpdate("UPDATE jobs SET stop_request = :s, updated_at = now() WHERE id = :id")
                        .bind("s", request).bind("id", jobId).execute();
                ev.add(h, jobId, r.tenant(), "STOPPING", r.state().name(), reason);
                return r;
            });
            ev.publish();
        }
        if (j == null) {
            return;
        }
        Optional<Backend> b = backends.get(j.center());
        if (b.isEmpty()) {
            return;
        }
        try {
            cancelLater(jobId, j, reason, b.get());
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            // the server is stopping: the stop request is stored, and the next start (or the next active server) acts on it
            log.info("job {}: stop recorded ({}); carried out at the next start", jobId, request);
        }
    }

    private void cancelLater(long jobId, JobRow j, String reason, Backend b) {
        launcher.execute(() -> {
            try {
                mayAct.run();
                b.cancel(jobId, j.attempt(), j.handle(), reason);
                // a job whose tasks never started has nobody to report exits: settle it here
                settleIfNothingRuns(jobId, j.attempt());
            } catch (BackendException e) {
                log.warn("job {}: cancel on {} failed: {}", jobId, j.center(), e.getMessage());
            } catch (LeadershipLostException e) {
                log.info("job {}: not cancelled, this server lost leadership", jobId);
            }
        });
    }

    private void settleIfNothingRuns(long jobId, int attempt) {
        boolean none = jdbi.withHandle(h -> h.createQuery(
                        "SELECT count(*) FROM tasks WHERE job_id = :j AND attempt = :a AND state = 'RUNNING'")
                .bind("j", jobId).bind("a", attempt).mapTo(Long.class).one()) == 0;
        if (none) {
            for (TaskRow t : jdbi.withHandle(h -> jobs.tasks(h, jobId, attempt))) {
                if (!"EXITED".equals(t.state())) {
                    taskExited(jobId, attempt, t.index(), 143, "stopped before it started");
                }
            }
        }
    }

    @Override
    public void taskStarted(long jobId, int attempt, int taskIndex, String handle) {
        if (shuttingDown) {
            return;
        }
        EventBus.Batch ev = bus.batch();
        jdbi.useTransaction(h -> {
            Optional<JobRow> row = jobs.find(h, jobId, true);
            if (row.isEmpty() || row.get().attempt() != attempt || !row.get().state().isActive()) {
                return;
            }
            Timestamp now = now();
            h.createUpdate("""
                    UPDATE tasks SET state = 'RUNNING', handle = :h, started_at = :now, metered_until = :now
                    WHERE job_id = :j AND attempt = :a AND idx = :i AND state = 'STARTING'""")
                    .bind("h", handle).bind("now", now).bind("j", jobId).bind("a", attempt).bind("i", taskIndex)
                    .execute();
            if (row.get().state() == JobState.ADMITTED) {
                h.createUpdate("UPDATE jobs SET state = 'RUNNING', started_at = COALESCE(started_at, :now), "
                        + "updated_at = now() WHERE id = :id").bind("now", now).bind("id", jobId).execute();
                ev.add(h, jobId, row.get().tenant(), "RUNNING", "RUNNING", "started on " + row.get().center()
                        + " (attempt " + attempt + ")");
            }
        });
        ev.publish();
    }

    /** Where a replica's task listens; the service controller reads it to probe and route (docs/services.md). */
    @Override
    public void taskEndpoint(long jobId, int attempt, int taskIndex, String host, int port) {
        if (shuttingDown) {
            return;
        }
        jdbi.useHandle(h -> h.createUpdate("UPDATE tasks SET endpoint = :e WHERE job_id = :j AND attempt = :a AND idx = :i")
                .bind("e", (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port).bind("j", jobId).bind("a", attempt).bind("i", taskIndex).execute());
    }

    @Override
    public void taskExited(long jobId, int attempt, int taskIndex, int exitCode, String reason) {
        if (shuttingDown) {
            return;
        }
        EventBus.Batch ev = bus.batch();
        boolean finished;
        synchronized (lock(jobId)) {
            finished = jdbi.inTransaction(h -> {
                Optional<JobRow> row = jobs.find(h, jobId, true);
                if (row.isEmpty() || row.get().attempt() != attempt || !row.get().state().isActive()) {
                    return false;
                }
                JobRow j = row.get();
                Timestamp now = now();
                Optional<TaskRow> task = jobs.tasks(h, jobId, attempt).stream()
                        .filter(t -> t.index() == taskIndex).findFirst();
                if (task.isEmpty() || "EXITED".equals(task.get().state())) {
                    return false;
                }
                meter.upTo(h, j, task.get(), now);
                h.createUpdate("""
                        UPDATE tasks SET state = 'EXITED', exit_code = :c, reason = :r, finished_at = :now,
                            started_at = COALESCE(started_at, :now)
                        WHERE job_id = :j AND attempt = :a AND idx = :i""")
                        .bind("c", exitCode).bind("r", reason).bind("now", now).bind("j", jobId).bind("a", attempt)
                        .bind("i", taskIndex).execute();
                if (exitCode != 0 && j.stopRequest() == null && (reason == null || !reason.startsWith("stopped:"))) {
                    ev.add(h, jobId, j.tenant(), "TASK_FAILED", j.state().name(), "task " + taskIndex
                            + " exited with code " + exitCode + ": " + reason);
                }
                List<TaskRow> tasks = jobs.tasks(h, jobId, attempt);
                if (tasks.stream().anyMatch(t -> !"EXITED".equals(t.state()))) {
                    return false;
                }
                settle(h, j, tasks, now, ev);
                return true;
            });
        }
        ev.publish();
        if (finished) {
            locks.remove(jobId);
            wake.run();
        }
    }

    /** Every task of the attempt has exited: decide what the job becomes. */
    private void settle(Handle h, JobRow j, List<TaskRow> tasks, Timestamp now, EventBus.Batch ev) {
        jobs.releaseCards(h, j.id());
        // card-milliseconds held (a fraction counts as its share of a card): the scheduler's attained service
        long heldMs = 0;
        for (TaskRow t : tasks) {
            if (t.startedAt() != null && t.finishedAt() != null) {
                heldMs += (t.finishedAt().getTime() - t.startedAt().getTime()) * t.cards().length
                        * (long) t.milliPerCard() / 1000;
            }
        }
        String stop = j.stopRequest();
        if ("PREEMPT".equals(stop) || "LOST".equals(stop)) {
            String what = "PREEMPT".equals(stop) ? "PREEMPTED" : "LOST";
            h.createUpdate("UPDATE jobs SET state = 'PENDING', stop_request = NULL, attained_ms = attained_ms + :ms, "
                            + "reason = :r, updated_at = now() WHERE id = :id")
                    .bind("ms", heldMs).bind("r", what.toLowerCase() + "; requeued").bind("id", j.id()).execute();
            ev.add(h, j.id(), j.tenant(), what, "PENDING", "attempt " + j.attempt() + " stopped ("
                    + what.toLowerCase() + "); back to PENDING, will resume from its checkpoint directory");
            return;
        }
        JobState state;
        String reason;
        Integer exit = 0;
        if ("CANCEL".equals(stop)) {
            state = JobState.CANCELLED;
            reason = jobs.stopReason(h, j.id());
            exit = null;
        } else {
            TaskRow failed = tasks.stream().filter(t -> t.exitCode() != null && t.exitCode() != 0
                            && (t.reason() == null || !t.reason().startsWith("stopped:")))
                    .findFirst().orElse(tasks.stream().filter(t -> t.exitCode() == null || t.exitCode() != 0)
                            .findFirst().orElse(null));
            if (failed == null) {
                state = JobState.SUCCEEDED;
                reason = "all " + tasks.size() + " task(s) exited with code 0";
            } else {
                state = JobState.FAILED;
                exit = failed.exitCode();
                reason = "task " + failed.index() + ": " + (failed.reason() == null ? "failed with exit code "
                        + failed.exitCode() : failed.reason());
            }
        }
        h.createUpdate("UPDATE jobs SET state = :s, finished_at = :now, exit_code = :e, reason = :r, "
                        + "stop_request = NULL, attained_ms = attained_ms + :ms, updated_at = now() WHERE id = :id")
                .bind("s", state.name()).bind("now", now).bind("e", exit).bind("r", reason).bind("ms", heldMs)
                .bind("id", j.id()).execute();
        ev.add(h, j.id(), j.tenant(), state.name(), state.name(), reason);
    }

    /**
     * Meters every running task up to now in one batch (periodic slices keep bills current) and
     * returns the running jobs, for budget checks in the same transaction.
     */
    public List<JobRow> meterRunning(BiConsumer<Handle, List<JobRow>> alsoInTransaction) {
        return meter.meterRunning(alsoInTransaction);
    }

    @Override
    public void checkpoint(long jobId, int attempt, long atMillis) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE jobs SET last_checkpoint_at = :t WHERE id = :id")
                .bind("t", new Timestamp(atMillis)).bind("id", jobId).execute());
    }

    /** The jobs that hold cards now: what a server that just took over inherits from the one before. */
    public List<JobRow> inherited() {
        return lost.inherited();
    }

    /** {@link #recover(List, Instant)} of every job that holds cards now. */
    public void recover(Instant lastAlive) {
        recover(inherited(), lastAlive);
    }

    /** After a restart or a takeover: inherited jobs their backend no longer runs are closed as lost and requeued. */
    public void recover(List<JobRow> inherited, Instant lastAlive) {
        lost.recover(inherited, lastAlive);
    }

    /** A job whose center went down: closed as lost now, remembered as an orphan of that center, requeued. */
    public void requeueFromLostCenter(long jobId, String center, String reason) {
        lost.fromLostCenter(jobId, center, reason);
    }

    @Override
    public void close() {
        launcher.shutdownNow();
    }
}
