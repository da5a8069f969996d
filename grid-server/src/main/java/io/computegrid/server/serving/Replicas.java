package io.computegrid.server.serving;

import io.computegrid.config.PriorityClass;
import io.computegrid.model.ServiceSpec;
import io.computegrid.server.api.Json;
import io.computegrid.server.events.EventBus;
import io.computegrid.server.federation.Federation;
import io.computegrid.server.runtime.JobRuntime;
import io.computegrid.serving.Backoff;
import io.computegrid.serving.Decision;
import io.computegrid.serving.ScaleDown;
import io.computegrid.spec.ServiceSpecParser;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * What the controller's decisions do to the store and the runtime: replica jobs created and cancelled, the desired
 * count written, replica exits counted into the crash-loop backoff, and each step recorded as a service event
 * (what `grid services show` prints).
 */
final class Replicas {
    private static final Logger log = LoggerFactory.getLogger(Replicas.class);

    private final ServiceStore store;
    private final ReplicaJobs jobs;
    private final ServiceSpecParser parser;
    private final Federation federation;
    private final JobRuntime runtime;
    private final EventBus bus;
    private final Runnable wakeScheduler;
    /** Replicas the controller itself cancelled: their CANCELLED exit is no news. */
    private final Set<Long> ourCancels = ConcurrentHashMap.newKeySet();

    Replicas(ServiceStore store, ReplicaJobs jobs, ServiceSpecParser parser, Federation federation, JobRuntime runtime,
             EventBus bus, Runnable wakeScheduler) {
        this.store = store;
        this.jobs = jobs;
        this.parser = parser;
        this.federation = federation;
        this.runtime = runtime;
        this.bus = bus;
        this.wakeScheduler = wakeScheduler;
    }

    ServiceSpec spec(ServiceStore.ServiceRow row) {
        return parser.parse(Json.MAPPER.readTree(row.specJson()));
    }

    void event(long serviceId, String type, String message) {
        store.jdbi().useHandle(h -> store.event(h, serviceId, type, message));
    }

    /** Writes the autoscaler's new desired count; false when the service changed meanwhile. */
    boolean setDesired(long id, int from, int to, Decision d) {
        return store.jdbi().inTransaction(h -> {
            Optional<ServiceStore.ServiceRow> row = store.find(h, id, true);
            if (row.isEmpty() || !row.get().active() || row.get().desired() != from) {
                return false;
            }
            store.setDesired(h, id, to);
            store.event(h, id, "SCALED", "autoscaler: " + from + " -> " + to + " replica(s); " + d.reason());
            return true;
        });
    }

    /** Creates {@code count} PENDING replica jobs unless the crash-loop backoff still runs; returns their ids. */
    List<Long> create(ServiceState st, int count, long now) {
        ServiceStore.ServiceRow row = st.row;
        if (row.nextReplicaAt() != null && now < row.nextReplicaAt().getTime()) {
            return List.of();
        }
        var fed = federation.current();
        Optional<PriorityClass> pc = fed.priority(st.spec.priority());
        List<String> centers = ReplicaJobs.hostable(fed, st.spec);
        if (pc.isEmpty() || centers.isEmpty()) {
            log.warn("service {}: cannot create replicas (priority class {} or hostable centers gone)", row.id(),
                    st.spec.priority());
            return List.of();
        }
        JsonNode doc = Json.MAPPER.readTree(row.specJson());
        EventBus.Batch ev = bus.batch();
        List<Long> ids = store.jdbi().inTransaction(h -> {
            Optional<ServiceStore.ServiceRow> locked = store.find(h, row.id(), true);
            if (locked.isEmpty() || !locked.get().active() || locked.get().generation() != row.generation()) {
                return List.<Long>of();
            }
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                out.add(jobs.create(h, ev, locked.get(), doc, centers, pc.get(), "the service wants "
                        + locked.get().desired() + " replica(s)"));
            }
            store.event(h, row.id(), "REPLICAS_CREATED", "created replica job(s) " + out + " (desired "
                    + locked.get().desired() + ")");
            return out;
        });
        ev.publish();
        if (!ids.isEmpty()) {
            wakeScheduler.run();
        }
        return ids;
    }

    /**
     * Chooses {@code surplus} replicas to remove: unplaced ones are cancelled at once; the ids returned are
     * placed ones to drain.
     */
    List<Long> drain(ServiceState st, List<ServiceState.Replica> live, int surplus, long now) {
        List<ScaleDown.Replica> cands = new ArrayList<>();
        synchronized (st) {
            for (ServiceState.Replica r : live) {
                ScaleDown.Phase phase = "PENDING".equals(r.jobState) ? ScaleDown.Phase.PENDING
                        : r.ready ? ScaleDown.Phase.READY : ScaleDown.Phase.STARTING;
                cands.add(new ScaleDown.Replica(r.jobId, phase, r.upstream == null ? 0 : r.upstream.outstanding()));
            }
        }
        List<Long> toDrain = new ArrayList<>();
        String why = st.row.active() ? "scaled down to " + st.row.desired() : "service deleted";
        for (long id : ScaleDown.choose(cands, surplus)) {
            EventBus.Batch ev = bus.batch();
            boolean cancelled = store.jdbi().inTransaction(h -> {
                if (!store.cancelPending(h, id, "cancelled while pending: " + why)) {
                    return false;
                }
                ev.add(h, id, st.row.tenant(), "CANCELLED", "CANCELLED", "replica cancelled while pending: " + why);
                store.event(h, st.id, "REPLICA_CANCELLED", "replica job " + id + " cancelled before it was placed ("
                        + why + ")");
                return true;
            });
            ev.publish();
            if (cancelled) {
                ourCancels.add(id);
                wakeScheduler.run();
            } else {
                toDrain.add(id);
                event(st.id, "REPLICA_DRAINING", "replica job " + id + " leaves routing and finishes its requests ("
                        + why + ")");
            }
        }
        return toDrain;
    }

    /** Stops a drained replica for good. */
    void stop(ServiceState st, long jobId, String how) {
        ourCancels.add(jobId);
        try {
            runtime.stop(jobId, "CANCEL", "service " + st.row.name() + " removed this replica (" + how + ")");
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            return; // the server is stopping: the replica is requeued at the next start and drained then
        }
        event(st.id, "REPLICA_STOPPED", "replica job " + jobId + " stopped: " + how);
    }

    /** Counts replica exits since the last look: failures feed the crash-loop backoff. */
    void countExits(ServiceState st, long now) {
        ServiceStore.ServiceRow row = st.row;
        store.jdbi().useTransaction(h -> {
            List<ServiceStore.Exit> exits = store.exitsSince(h, row.id(), row.exitsSeenAt());
            if (exits.isEmpty()) {
                return;
            }
            int failures = row.failures();
            Timestamp seen = row.exitsSeenAt();
            for (ServiceStore.Exit e : exits) {
                seen = e.finishedAt().after(seen) ? e.finishedAt() : seen;
                if ("CANCELLED".equals(e.state())) {
                    if (!ourCancels.remove(e.jobId()) && row.active()) {
                        store.event(h, row.id(), "REPLICA_CANCELLED", "replica job " + e.jobId()
                                + " was cancelled outside the service; it is replaced");
                    }
                    continue;
                }
                failures++;
                store.event(h, row.id(), "REPLICA_FAILED", "replica job " + e.jobId() + " " + e.state().toLowerCase()
                        + ": " + e.reason() + (row.active() ? "; " + failures + " failure(s) in a row, the next "
                        + "replica waits " + Backoff.delayMillis(failures) / 1000 + " s" : ""));
            }
            Timestamp next = failures > row.failures() ? new Timestamp(now + Backoff.delayMillis(failures))
                    : row.nextReplicaAt();
            store.setFailures(h, row.id(), failures, next, seen);
        });
        store.find(row.id()).ifPresent(r -> st.row = r);
    }

    /** A replica answered its readiness probe: routing has it; a crash loop is over. */
    void ready(ServiceState st, ServiceState.Replica r, boolean first, long now) {
        if (first) {
            event(st.id, "REPLICA_READY", "replica job " + r.jobId + " ready at " + r.endpoint
                    + (r.startedAt > 0 ? " (" + Math.max(0, now - r.startedAt) + " ms after it started)" : ""));
        }
        if (st.row.failures() > 0) {
            store.resetFailures(st.id);
        }
    }
}
