package io.computegrid.server.runtime;

import io.computegrid.model.Clock;
import io.computegrid.server.federation.Federation;
import io.computegrid.server.jobs.JobStore;
import io.computegrid.server.jobs.JobStore.JobRow;
import io.computegrid.server.jobs.JobStore.TaskRow;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Turns the time tasks hold cards into usage intervals, in the caller's transaction: up to a task's exit
 * (or loss), and in periodic slices while it runs. Each task remembers where metering left off
 * ({@code tasks.metered_until}), so no second is recorded twice.
 */
final class TaskMeter {
    private final Jdbi jdbi;
    private final JobStore jobs;
    private final Federation federation;
    private final Clock clock;
    private volatile UsageRecorder usage = UsageRecorder.NONE;

    TaskMeter(Jdbi jdbi, JobStore jobs, Federation federation, Clock clock) {
        this.jdbi = jdbi;
        this.jobs = jobs;
        this.federation = federation;
        this.clock = clock;
    }

    void recorder(UsageRecorder r) {
        this.usage = r;
    }

    /** Records the usage of one task from where metering left off up to {@code until}. */
    void upTo(Handle h, JobRow j, TaskRow t, Timestamp until) {
        interval(j, t, until).ifPresent(i -> {
            usage.record(h, i);
            markMetered(h, j, t, until);
        });
    }

    /** Closes the attempt's tasks that never reported an exit (lost, never started) at {@code until}, metered up to it. */
    void closeOpen(Handle h, JobRow j, String reason, Timestamp until) {
        for (TaskRow t : jobs.tasks(h, j.id(), j.attempt())) {
            if (!"EXITED".equals(t.state())) {
                upTo(h, j, t, until);
                h.createUpdate("UPDATE tasks SET state = 'EXITED', reason = :r, finished_at = :u "
                                + "WHERE job_id = :j AND attempt = :a AND idx = :i")
                        .bind("r", reason).bind("u", until).bind("j", j.id()).bind("a", j.attempt())
                        .bind("i", t.index()).execute();
            }
        }
    }

    /**
     * Meters every running task up to now in one batch (periodic slices keep bills current) and
     * returns the running jobs, for budget checks in the same transaction.
     */
    List<JobRow> meterRunning(BiConsumer<Handle, List<JobRow>> alsoInTransaction) {
        Timestamp now = new Timestamp(clock.nowMillis());
        return jdbi.inTransaction(h -> {
            List<JobRow> running = h.createQuery("SELECT * FROM jobs WHERE state = 'RUNNING' ORDER BY id FOR UPDATE")
                    .map((rs, ctx) -> JobRow.of(rs)).list();
            List<UsageRecorder.Interval> batch = new ArrayList<>();
            for (JobRow j : running) {
                for (TaskRow t : jobs.tasks(h, j.id(), j.attempt())) {
                    if ("RUNNING".equals(t.state())) {
                        interval(j, t, now).ifPresent(i -> {
                            batch.add(i);
                            markMetered(h, j, t, now);
                        });
                    }
                }
            }
            usage.recordAll(h, batch);
            alsoInTransaction.accept(h, running);
            return running;
        });
    }

    private Optional<UsageRecorder.Interval> interval(JobRow j, TaskRow t, Timestamp until) {
        Timestamp from = t.meteredUntil() != null ? t.meteredUntil() : t.startedAt();
        if (from == null || !until.after(from)) {
            return Optional.empty();
        }
        boolean preemptible = federation.base().priority(j.priorityClass()).map(p -> p.preemptible()).orElse(false);
        return Optional.of(new UsageRecorder.Interval(j.id() + "/" + j.attempt() + "/" + t.index() + "/" + from.getTime(),
                j.id(), j.attempt(), t.index(), j.tenant(), j.center(), j.pool(), j.accelerator(),
                t.cards().length * t.milliPerCard(), t.cpuMilli(), t.memoryMiB(), from.toInstant(), until.toInstant(),
                preemptible));
    }

    private static void markMetered(Handle h, JobRow j, TaskRow t, Timestamp until) {
        h.createUpdate("UPDATE tasks SET metered_until = :u WHERE job_id = :j AND attempt = :a AND idx = :i")
                .bind("u", until).bind("j", j.id()).bind("a", j.attempt()).bind("i", t.index()).execute();
    }
}
