package io.computegrid.server.serving;

import io.computegrid.model.ServiceSpec;
import io.computegrid.server.gateway.ServiceRoute;
import io.computegrid.server.gateway.Upstream;
import io.computegrid.serving.Autoscaler;
import io.computegrid.serving.Decision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The controller's memory of one service: its row and spec, the autoscaler, the gateway route, and each live
 * replica's readiness. Rebuilt from the store after a restart (readiness by probing again). Guarded by its own
 * monitor: the controller thread and probe callbacks both change it.
 */
final class ServiceState {
    /** One live replica job. */
    static final class Replica {
        final long jobId;
        int attempt = -1;
        String jobState;
        String stopRequest;
        String center;
        String node;
        String endpoint;
        Upstream upstream;
        boolean ready;
        long readySince;
        long startedAt;
        int probeFailures;
        boolean probing;
        long nextProbeAt;
        boolean draining;
        long drainSince;
        boolean cancelSent;

        Replica(long jobId) {
            this.jobId = jobId;
        }

        boolean routable() {
            return ready && !draining && stopRequest == null && upstream != null;
        }
    }

    final long id;
    volatile ServiceStore.ServiceRow row;
    volatile ServiceSpec spec;
    final Autoscaler autoscaler;
    final ServiceRoute route;
    volatile Decision decision;
    /** Routed by the gateway (guarded by this state's monitor). */
    boolean registered;
    final Map<Long, Replica> replicas = new LinkedHashMap<>();

    ServiceState(ServiceStore.ServiceRow row, ServiceSpec spec, Autoscaler autoscaler, ServiceRoute route) {
        this.id = row.id();
        this.row = row;
        this.spec = spec;
        this.autoscaler = autoscaler;
        this.route = route;
    }

    synchronized int readyCount() {
        int n = 0;
        for (Replica r : replicas.values()) {
            if (r.routable()) {
                n++;
            }
        }
        return n;
    }

    synchronized List<Upstream> routable() {
        List<Upstream> out = new ArrayList<>();
        for (Replica r : replicas.values()) {
            if (r.routable()) {
                out.add(r.upstream);
            }
        }
        return out;
    }

    /** A copy of the replicas' runtime view, for the API. */
    record ReplicaView(long jobId, boolean ready, boolean draining, int inFlight) {
    }

    synchronized Map<Long, ReplicaView> view() {
        Map<Long, ReplicaView> out = new LinkedHashMap<>();
        for (Replica r : replicas.values()) {
            out.put(r.jobId, new ReplicaView(r.jobId, r.routable(), r.draining,
                    r.upstream == null ? 0 : r.upstream.outstanding()));
        }
        return out;
    }
}
