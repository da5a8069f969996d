package io.computegrid.server.serving;

import io.computegrid.model.Clock;
import io.computegrid.server.api.RouteModule;
import io.computegrid.server.auth.TokenService;
import io.computegrid.server.events.EventBus;
import io.computegrid.server.federation.Federation;
import io.computegrid.server.gateway.Gateway;
import io.computegrid.server.jobs.JobStore;
import io.computegrid.server.runtime.JobRuntime;
import io.computegrid.spec.JobSpecParser;
import io.computegrid.spec.ServiceSpecParser;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Inference services, wired: the store, the API, the controller and the gateway. The server makes one once it
 * is the active server, adds {@link #routes()} to its HTTP modules and {@link #start()}s it (docs/services.md).
 */
public final class Serving implements AutoCloseable {
    private final ServiceStore store;
    private final Replicas replicas;
    private final ServiceLifecycle lifecycle;
    private final ServiceController controller;
    private final Gateway gateway;
    private final Federation federation;
    private final EventBus bus;
    private Runnable unsubscribe = () -> { };
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    public Serving(Jdbi jdbi, Federation federation, JobStore jobs, JobRuntime runtime, EventBus bus,
                   TokenService tokens, Runnable wakeScheduler, Clock clock) {
        this.federation = federation;
        this.bus = bus;
        this.store = new ServiceStore(jdbi);
        ServiceSpecParser parser = new ServiceSpecParser(federation.base().catalog());
        ReplicaJobs replicaJobs = new ReplicaJobs(jobs, new JobSpecParser(federation.base().catalog()), store);
        this.replicas = new Replicas(store, replicaJobs, parser, federation, runtime, bus, wakeScheduler);
        this.gateway = new Gateway(tokens::authenticate);
        this.controller = new ServiceController(store, replicas, gateway, clock);
        this.lifecycle = new ServiceLifecycle(store, parser, replicaJobs, federation, controller::changed);
    }

    /** The HTTP modules: {@code /api/v1/services} and the gateway on {@code /serve/}. */
    public List<RouteModule> routes() {
        return List.of(new ServiceRoutes(this), gateway);
    }

    public void start() {
        unsubscribe = bus.subscribe(e -> controller.jobEvent(e.jobId()));
        controller.start();
    }

    ServiceStore store() {
        return store;
    }

    ServiceLifecycle lifecycle() {
        return lifecycle;
    }

    ServiceController controller() {
        return controller;
    }

    Replicas replicas() {
        return replicas;
    }

    String currency() {
        return federation.current().currency();
    }

    /** Idempotent: the server closes it before its HTTP server stops, and again with the other subsystems. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        unsubscribe.run();
        gateway.close();
        controller.close();
    }
}
