package io.computegrid.server.serving;

import io.computegrid.model.Clock;
import io.computegrid.model.ServiceSpec;
import io.computegrid.server.gateway.Upstream;
import java.util.function.Consumer;

/**
 * Readiness of replicas: GET readiness.path on each running replica's endpoint, every 100 ms until it answers
 * 2xx within readiness.timeout, then every second; three failures in a row, or a request the gateway could not
 * send, take it out of routing. Changes are published to the gateway at once.
 */
final class Readiness implements AutoCloseable {
    private final ReplicaProber prober = new ReplicaProber();
    private final Replicas replicas;
    private final Clock clock;
    private final Consumer<ServiceState> publish;
    private final Runnable wake;

    Readiness(Replicas replicas, Clock clock, Consumer<ServiceState> publish, Runnable wake) {
        this.replicas = replicas;
        this.clock = clock;
        this.publish = publish;
        this.wake = wake;
    }

    /** A request could not be sent to the replica: out of routing now, probed again at once. */
    void unreachable(ServiceState st, ServiceState.Replica r) {
        synchronized (st) {
            if (!r.ready) {
                return;
            }
            r.ready = false;
            r.nextProbeAt = 0;
        }
        publish.accept(st);
        replicas.event(st.id, "REPLICA_UNREACHABLE", "replica job " + r.jobId + " refused a connection at "
                + r.endpoint + "; out of routing until it answers its readiness probe");
    }

    void probeDue(java.util.Collection<ServiceState> services, long now) {
        for (ServiceState st : services) {
            ServiceSpec.Readiness readiness = st.spec.readiness();
            synchronized (st) {
                for (ServiceState.Replica r : st.replicas.values()) {
                    if (r.upstream == null || r.draining || r.probing || now < r.nextProbeAt) {
                        continue;
                    }
                    r.probing = true;
                    Upstream u = r.upstream;
                    prober.probe(java.net.URI.create("http://" + r.endpoint), readiness.path(), readiness.timeout())
                            .thenAccept(ok -> probed(st, r, u, ok));
                }
            }
        }
    }

    private void probed(ServiceState st, ServiceState.Replica r, Upstream u, boolean ok) {
        long now = clock.nowMillis();
        boolean changed = false;
        boolean firstReady = false;
        synchronized (st) {
            r.probing = false;
            if (r.upstream != u) {
                return; // a new attempt or endpoint since this probe started
            }
            if (ok) {
                r.probeFailures = 0;
                if (!r.ready) {
                    r.ready = true;
                    changed = true;
                    firstReady = r.readySince == 0;
                    r.readySince = now;
                }
            } else if (r.ready && ++r.probeFailures >= 3) {
                r.ready = false;
                changed = true;
            }
            r.nextProbeAt = now + (r.ready ? 1_000 : 100);
        }
        if (changed) {
            publish.accept(st);
            if (r.ready) {
                replicas.ready(st, r, firstReady, now);
            } else {
                replicas.event(st.id, "REPLICA_UNREADY", "replica job " + r.jobId + " failed 3 readiness probes in a "
                        + "row; out of routing");
            }
            wake.run();
        }
    }

    @Override
    public void close() {
        prober.close();
    }
}
