package io.computegrid.server.runtime;

import io.computegrid.backend.ActiveJob;
import io.computegrid.backend.Backend;
import io.computegrid.backend.BackendException;
import io.computegrid.model.Clock;
import io.computegrid.server.events.EventBus;
import io.computegrid.server.jobs.JobStore;
import io.computegrid.server.jobs.JobStore.JobRow;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs whose tasks nobody runs any more: after a restart or a takeover (asked of their backends first), or
 * because their center went down. Each is closed as lost (metered up to when it was last known alive) and
 * requeued to resume from its checkpoint, or closed as CANCELLED if a cancel was already asked.
 */
final class LostJobs {
    private static final Logger log = LoggerFactory.getLogger(LostJobs.class);
    private final Jdbi jdbi;
    private final JobStore jobs;
    private final EventBus bus;
    private final BackendRegistry backends;
    private final Clock clock;
    private final TaskMeter meter;
    private final Runnable mayAct;

    LostJobs(Jdbi jdbi, JobStore jobs, EventBus bus, BackendRegistry backends, Clock clock, TaskMeter meter,
             Runnable mayAct) {
        this.jdbi = jdbi;
        this.jobs = jobs;
        this.bus = bus;
        this.backends = backends;
        this.clock = clock;
        this.meter = meter;
        this.mayAct = mayAct;
    }

    /** The jobs that hold cards now: what a server that just took over inherits from the one before. */
    List<JobRow> inherited() {
        return jdbi.withHandle(h -> h.createQuery(
                "SELECT * FROM jobs WHERE state IN ('ADMITTED', 'RUNNING') ORDER BY id").map((rs, c) -> JobRow.of(rs)).list());
    }

    /**
     * The inherited jobs (as read when this server took over) that still hold cards at the same attempt are
     * asked of their backend; what the backend no longer runs (always the case for local processes, see
     * docs/decisions/local-restart-requeue.md) is closed as lost and goes back to PENDING. Jobs this server
     * admitted itself meanwhile are not touched.
     */
    void recover(List<JobRow> inherited, Instant lastAlive) {
        Map<String, List<JobRow>> byCenter = new HashMap<>();
        for (JobRow was : inherited) {
            jobs.find(was.id()).filter(j -> j.attempt() == was.attempt() && j.state().isActive())
                    .ifPresent(j -> byCenter.computeIfAbsent(j.center(), k -> new ArrayList<>()).add(j));
        }
        for (Map.Entry<String, List<JobRow>> e : byCenter.entrySet()) {
            Map<Long, Backend.JobStatus> known = Map.of();
            Optional<Backend> b = backends.get(e.getKey());
            if (b.isPresent()) {
                try {
                    mayAct.run();
                    known = b.get().reconcile(e.getValue().stream()
                            .map(j -> new ActiveJob(j.id(), j.attempt(), j.handle())).toList());
                } catch (BackendException ex) {
                    log.warn("reconcile with center {} failed: {}", e.getKey(), ex.getMessage());
                }
            }
            for (JobRow j : e.getValue()) {
                Backend.JobStatus s = known.getOrDefault(j.id(), Backend.JobStatus.UNKNOWN);
                if (s != Backend.JobStatus.UNKNOWN) {
                    // the backend knows the job: it still runs it, or it ended while we were down and the
                    // backend reports each task's real exit once reconciled; requeueing would run it twice
                    continue;
                }
                markLost(j, lastAlive, "lost: the control plane restarted and center " + j.center()
                        + " no longer runs it");
            }
        }
    }

    /** A job whose center went down: remembered as an orphan of that center (to cancel there if it comes back). */
    void fromLostCenter(long jobId, String center, String reason) {
        Optional<JobRow> row = jobs.find(jobId);
        if (row.isEmpty() || !row.get().state().isActive() || !center.equals(row.get().center())) {
            return;
        }
        JobRow j = row.get();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO orphans(job_id, attempt, center, handle) VALUES (:j, :a, :c, :h) "
                + "ON CONFLICT DO NOTHING").bind("j", j.id()).bind("a", j.attempt()).bind("c", center)
                .bind("h", j.handle()).execute());
        markLost(j, Instant.ofEpochMilli(clock.nowMillis()), reason);
    }

    private void markLost(JobRow j, Instant lastAlive, String reason) {
        EventBus.Batch ev = bus.batch();
        jdbi.useTransaction(h -> {
            Timestamp until = new Timestamp(Math.min(clock.nowMillis(), lastAlive.toEpochMilli()));
            meter.closeOpen(h, j, reason, until);
            jobs.releaseCards(h, j.id());
            boolean cancel = "CANCEL".equals(j.stopRequest());
            h.createUpdate("UPDATE jobs SET state = :s, stop_request = NULL, reason = :r, finished_at = :f, "
                            + "updated_at = now() WHERE id = :id")
                    .bind("s", cancel ? "CANCELLED" : "PENDING").bind("r", cancel ? jobs.stopReason(h, j.id()) : reason)
                    .bind("f", cancel ? new Timestamp(clock.nowMillis()) : null).bind("id", j.id()).execute();
            ev.add(h, j.id(), j.tenant(), cancel ? "CANCELLED" : "LOST", cancel ? "CANCELLED" : "PENDING",
                    cancel ? "cancelled while the control plane was down" : reason + "; requeued");
        });
        ev.publish();
    }
}
