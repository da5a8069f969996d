package io.computegrid.server.serving;

import io.computegrid.model.Clock;
import io.computegrid.model.ServiceSpec;
import io.computegrid.server.gateway.Gateway;
import io.computegrid.server.gateway.ServiceRoute;
import io.computegrid.server.gateway.Upstream;
import io.computegrid.serving.Autoscaler;
import io.computegrid.serving.Decision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every service's replicas what its desired count says. One thread, in three beats:
 * <ol>
 * <li>sample (every 250 ms, or at once when a request waits at zero replicas): each service's in-flight average
 * goes to its autoscaler, whose decision becomes the stored desired count;</li>
 * <li>reconcile (every second, or on a wake-up: a replica job's event, an API change, a new desired count):
 * creates PENDING replica jobs, drains surplus ones (unplaced ones are cancelled first, placed ones leave
 * routing, finish their requests within the request timeout, then are cancelled), counts replica failures
 * into a crash-loop backoff ({@link Replicas}), and drains deleted services;</li>
 * <li>probe ({@link Readiness}): GET readiness.path on running replicas; only ready replicas are published to
 * the gateway.</li>
 * </ol>
 * Desired state lives in the store, so after a restart the controller rebuilds all of this from it.
 */
public final class ServiceController implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceController.class);
    static final long SAMPLE_MILLIS = 250;
    static final long RECONCILE_MILLIS = 1_000;

    private final ServiceStore store;
    private final Replicas replicas;
    private final Gateway gateway;
    private final Clock clock;
    private final Readiness readiness;
    private final Map<Long, ServiceState> services = new ConcurrentHashMap<>();
    private final Set<Long> replicaJobs = ConcurrentHashMap.newKeySet();
    private final Object signal = new Object();
    private final AtomicBoolean reconcileWanted = new AtomicBoolean(true);
    private final AtomicBoolean sampleWanted = new AtomicBoolean();
    private final Thread thread = new Thread(this::run, "grid-services");
    private volatile boolean running = true;
    private long lastSample;
    private long lastReconcile;

    public ServiceController(ServiceStore store, Replicas replicas, Gateway gateway, Clock clock) {
        this.store = store;
        this.replicas = replicas;
        this.gateway = gateway;
        this.clock = clock;
        this.readiness = new Readiness(replicas, clock, this::publish, () -> {
            synchronized (signal) {
                signal.notifyAll();
            }
        });
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Reconcile soon (coalesced). */
    public void wake() {
        reconcileWanted.set(true);
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /**
     * The API changed a service: the gateway sees new limits, or stops routing to a deleted service, at once
     * (a PUT making a service private must not let one more anonymous request in); the rest follows at the
     * next reconcile.
     */
    public void changed(long id) {
        ServiceState st = services.get(id);
        if (st != null) {
            store.find(id).ifPresent(row -> {
                if (!row.active()) {
                    unregister(st);
                } else if (row.generation() != st.row.generation()) {
                    st.route.limits(limits(replicas.spec(row)));
                }
            });
        }
        wake();
    }

    private void unregister(ServiceState st) {
        synchronized (st) {
            if (!st.registered) {
                return;
            }
            st.registered = false;
        }
        gateway.unregister(st.route);
    }

    /** A job event: wakes the controller when the job is one of its replicas. */
    public void jobEvent(long jobId) {
        if (replicaJobs.contains(jobId)) {
            wake();
        }
    }

    /** A request waits and no replica is ready: sample and decide now, not at the next beat. */
    void activate() {
        sampleWanted.set(true);
        wake();
    }

    Optional<ServiceState> state(long id) {
        return Optional.ofNullable(services.get(id));
    }

    private void run() {
        while (running) {
            try {
                synchronized (signal) {
                    if (!reconcileWanted.get() && !sampleWanted.get()) {
                        signal.wait(SAMPLE_MILLIS / 2);
                    }
                }
                if (!running) {
                    return;
                }
                long now = clock.nowMillis();
                if (sampleWanted.getAndSet(false) || now - lastSample >= SAMPLE_MILLIS) {
                    lastSample = now;
                    sampleAll(now);
                }
                if (reconcileWanted.getAndSet(false) || now - lastReconcile >= RECONCILE_MILLIS) {
                    lastReconcile = now;
                    reconcile(now);
                }
                readiness.probeDue(services.values(), now);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("service controller beat failed; retrying: {}", e.toString(), e);
                sleep(500);
            }
        }
    }

    // ------------------------------------------------------------------ autoscaling

    private void sampleAll(long now) {
        for (ServiceState st : services.values()) {
            if (!st.row.active()) {
                continue;
            }
            var s = st.route.meter().sample();
            st.autoscaler.record(now, Math.max(1, s.lengthNanos() / 1_000_000), s.average());
            if (st.route.heldCount() > 0) {
                st.autoscaler.activity(now);
            }
            Decision d = st.autoscaler.decide(now, st.readyCount());
            st.decision = d;
            if (d.desired() != st.row.desired()) {
                int from = st.row.desired();
                if (replicas.setDesired(st.id, from, d.desired(), d)) {
                    store.find(st.id).ifPresent(r -> st.row = r);
                    reconcileWanted.set(true);
                }
            }
        }
    }

    // ------------------------------------------------------------------ reconcile

    private void reconcile(long now) {
        Map<Long, List<ServiceStore.ReplicaRow>> live = new HashMap<>();
        for (ServiceStore.ReplicaRow r : store.liveReplicas(null)) {
            live.computeIfAbsent(r.serviceId(), k -> new ArrayList<>()).add(r);
        }
        Set<Long> seen = new HashSet<>();
        for (ServiceStore.ServiceRow row : store.toReconcile()) {
            seen.add(row.id());
            try {
                reconcile(row, live.getOrDefault(row.id(), List.of()), now);
            } catch (RuntimeException e) {
                log.warn("service {}: reconcile failed: {}", row.id(), e.toString(), e);
            }
        }
        for (ServiceState st : List.copyOf(services.values())) {
            if (!seen.contains(st.id)) {
                retire(st);
            }
        }
    }

    private void reconcile(ServiceStore.ServiceRow row, List<ServiceStore.ReplicaRow> rows, long now) {
        ServiceState st = services.get(row.id());
        if (st == null) {
            ServiceSpec spec = replicas.spec(row);
            ServiceRoute route = new ServiceRoute(row.id(), row.tenant(), row.name(), limits(spec), this::activate);
            st = new ServiceState(row, spec, new Autoscaler(spec.autoscaling(), spec.replicas(), now, row.desired()),
                    route);
            services.put(row.id(), st);
        } else if (st.row.generation() != row.generation()) {
            ServiceSpec spec = replicas.spec(row);
            st.spec = spec;
            st.autoscaler.update(spec.autoscaling(), spec.replicas());
            st.route.limits(limits(spec));
        }
        st.row = row;
        if (row.active()) {
            synchronized (st) {
                if (!st.registered) {
                    gateway.register(st.route);
                    st.registered = true;
                }
            }
        } else {
            unregister(st);
        }
        synchronized (st) {
            sync(st, rows);
        }
        replicas.countExits(st, now);
        adjust(st, row.active() ? st.row.desired() : 0, now);
        publish(st);
    }

    /** The replicas as the store has them: new ones in, ended ones out, a new attempt starts unready. */
    private void sync(ServiceState st, List<ServiceStore.ReplicaRow> rows) {
        Set<Long> ids = new HashSet<>();
        for (ServiceStore.ReplicaRow rr : rows) {
            ids.add(rr.jobId());
            replicaJobs.add(rr.jobId());
            ServiceState.Replica r = st.replicas.computeIfAbsent(rr.jobId(), ServiceState.Replica::new);
            if (r.attempt != rr.attempt()) {
                r.attempt = rr.attempt();
                r.ready = false;
                r.endpoint = null;
                r.upstream = null;
                r.probeFailures = 0;
            }
            r.jobState = rr.state();
            r.stopRequest = rr.stopRequest();
            r.center = rr.center();
            r.node = rr.node();
            r.startedAt = rr.startedAt() == null ? 0 : rr.startedAt().getTime();
            String endpoint = "RUNNING".equals(rr.state()) && "RUNNING".equals(rr.taskState()) ? rr.endpoint() : null;
            if (!java.util.Objects.equals(endpoint, r.endpoint)) {
                r.endpoint = endpoint;
                r.ready = false;
                r.nextProbeAt = 0;
                ServiceState owner = st;
                r.upstream = endpoint == null ? null : new Upstream(rr.jobId(), endpoint,
                        () -> readiness.unreachable(owner, r));
            }
        }
        st.replicas.keySet().removeIf(id -> {
            if (!ids.contains(id)) {
                replicaJobs.remove(id);
                return true;
            }
            return false;
        });
    }

    /** Creates what is missing (after the crash-loop backoff) or drains what is too much. */
    private void adjust(ServiceState st, int desired, long now) {
        List<ServiceState.Replica> live = new ArrayList<>();
        List<ServiceState.Replica> draining = new ArrayList<>();
        synchronized (st) {
            for (ServiceState.Replica r : st.replicas.values()) {
                if (r.draining) {
                    draining.add(r);
                } else if (!"CANCEL".equals(r.stopRequest)) {
                    live.add(r);
                }
            }
            // bring back replicas still draining before creating new ones: they are warm
            for (int i = draining.size() - 1; i >= 0 && live.size() < desired; i--) {
                ServiceState.Replica r = draining.get(i);
                if (!r.cancelSent) {
                    r.draining = false;
                    live.add(r);
                    draining.remove(i);
                }
            }
        }
        if (live.size() < desired) {
            List<Long> created = replicas.create(st, desired - live.size(), now);
            replicaJobs.addAll(created);
        } else if (live.size() > desired) {
            for (long id : replicas.drain(st, live, live.size() - desired, now)) {
                synchronized (st) {
                    ServiceState.Replica r = st.replicas.get(id);
                    if (r != null && !r.draining) {
                        r.draining = true;
                        r.drainSince = now;
                        draining.add(r);
                    }
                }
            }
        }
        long bound = st.spec.requestTimeout().toMillis();
        for (ServiceState.Replica r : draining) {
            boolean idle = r.upstream == null || !r.ready || r.upstream.outstanding() == 0;
            if (!r.cancelSent && (idle || now - r.drainSince >= bound)) {
                r.cancelSent = true;
                replicas.stop(st, r.jobId, idle ? "drained" : "drain bound of " + bound + " ms reached with "
                        + r.upstream.outstanding() + " request(s) in flight");
            }
        }
    }

    void publish(ServiceState st) {
        if (st.registered) {
            gateway.publish(st.route, st.routable());
        }
    }

    private void retire(ServiceState st) {
        services.remove(st.id);
        unregister(st);
        synchronized (st) {
            st.replicas.keySet().forEach(replicaJobs::remove);
        }
    }

    static ServiceRoute.Limits limits(ServiceSpec s) {
        return new ServiceRoute.Limits(s.requestTimeout(), s.coldStartTimeout(), s.maxBufferedRequests(),
                s.maxRequestBytes(), s.isPublic());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        wake();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ServiceState st : List.copyOf(services.values())) {
            retire(st);
        }
        readiness.close();
    }
}
