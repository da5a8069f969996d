package io.computegrid.server.serving;

import io.computegrid.model.ServiceSpec;
import io.computegrid.server.api.Json;
import io.computegrid.serving.Decision;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The API's view of a service: its spec, replica counts, each replica's state and readiness, autoscaler, usage. */
final class ServiceView {
    private ServiceView() {
    }

    static Map<String, Object> of(ServiceStore.ServiceRow row, ServiceSpec spec, ServiceState st,
                                  List<ServiceStore.ReplicaRow> live, BigDecimal[] usage, String currency,
                                  String baseUrl) {
        Map<Long, ServiceState.ReplicaView> runtime = st == null ? Map.of() : st.view();
        List<Map<String, Object>> replicas = new ArrayList<>();
        int ready = 0;
        for (ServiceStore.ReplicaRow r : live) {
            ServiceState.ReplicaView v = runtime.get(r.jobId());
            boolean isReady = v != null && v.ready();
            ready += isReady ? 1 : 0;
            replicas.add(Json.map("jobId", r.jobId(), "state", r.state(), "attempt", r.attempt(), "center", r.center(),
                    "node", r.node(), "endpoint", "RUNNING".equals(r.state()) ? r.endpoint() : null, "ready", isReady,
                    "draining", v != null && v.draining(), "inFlight", v == null ? 0 : v.inFlight()));
        }
        Map<String, Object> m = Json.map("id", row.id(), "name", row.name(), "tenant", row.tenant(),
                "state", row.state(), "url", baseUrl + "/serve/" + row.tenant() + "/" + row.name() + "/",
                "public", spec.isPublic(), "priority", spec.priority(), "generation", row.generation(),
                "createdAt", iso(row.createdAt()), "updatedAt", iso(row.updatedAt()), "deletedAt", iso(row.deletedAt()),
                "minReplicas", spec.replicas().min(), "maxReplicas", spec.replicas().max(),
                "desiredReplicas", row.desired(), "readyReplicas", ready,
                "inFlight", st == null ? 0 : st.route.meter().current(),
                "held", st == null ? 0 : st.route.heldCount());
        m.put("replicas", replicas);
        m.put("autoscaler", autoscalerJson(st));
        m.put("failures", Json.map("consecutive", row.failures(), "nextReplicaAt", iso(row.nextReplicaAt()),
                "crashLoop", row.failures() >= 3));
        m.put("usage", Json.map("cardSeconds", usage == null ? BigDecimal.ZERO : usage[0],
                "cost", usage == null ? BigDecimal.ZERO : usage[1], "currency", currency));
        m.put("spec", Json.MAPPER.readTree(row.specJson()));
        return m;
    }

    private static String iso(Timestamp t) {
        return t == null ? null : t.toInstant().toString();
    }

    /** Serialises the service's decision for the view (null before the first sample). */
    private static Map<String, Object> autoscalerJson(ServiceState st) {
        Decision d = st == null ? null : st.decision;
        if (d == null) {
            return Json.map("mode", "stable", "stableConcurrency", 0.0, "panicConcurrency", 0.0, "desired", null,
                    "reason", "no sample yet");
        }
        return Json.map("mode", d.mode().label(), "stableConcurrency", round(d.stableConcurrency()),
                "panicConcurrency", round(d.panicConcurrency()), "desired", d.desired(), "reason", d.reason());
    }

    private static double round(double d) {
        return Math.round(d * 1000) / 1000.0;
    }
}
