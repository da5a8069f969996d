package io.computegrid.server.serving;

import io.computegrid.config.FederationConfig;
import io.computegrid.config.PriorityClass;
import io.computegrid.model.JobSpec;
import io.computegrid.model.ServiceSpec;
import io.computegrid.scheduler.Feasibility;
import io.computegrid.server.api.ApiException;
import io.computegrid.server.api.Json;
import io.computegrid.server.auth.Principal;
import io.computegrid.server.federation.Federation;
import io.computegrid.spec.ServiceSpecParser;
import io.computegrid.spec.SpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Creating, changing and deleting services: everything is validated before the one transaction that writes, so
 * bad input changes nothing. Replicas are not written here: the controller creates them from the stored desired
 * count (one place decides when replicas come and go).
 */
public final class ServiceLifecycle {
    private final ServiceStore store;
    private final ServiceSpecParser parser;
    private final ReplicaJobs replicas;
    private final Federation federation;
    private final LongConsumer changed;

    public ServiceLifecycle(ServiceStore store, ServiceSpecParser parser, ReplicaJobs replicas, Federation federation,
                            LongConsumer changed) {
        this.store = store;
        this.parser = parser;
        this.replicas = replicas;
        this.federation = federation;
        this.changed = changed;
    }

    public ServiceSpec parse(JsonNode doc) {
        try {
            return parser.parse(doc);
        } catch (SpecException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** The service if the caller may see it; otherwise 404, the same as one that does not exist. */
    public ServiceStore.ServiceRow visible(Principal who, long id) {
        return store.find(id).filter(s -> who.canAccessTenant(s.tenant()))
                .orElseThrow(() -> ApiException.notFound("no service " + id));
    }

    public ServiceStore.ServiceRow create(Principal who, JsonNode doc) {
        ServiceSpec spec = parse(doc);
        String tenant = spec.tenant() != null ? spec.tenant() : who.tenant();
        if (tenant == null) {
            throw ApiException.badRequest("tenant: required (this token belongs to no tenant)");
        }
        if (!who.canAccessTenant(tenant)) {
            throw ApiException.forbidden("this token may not create services for tenant '" + tenant + "'");
        }
        FederationConfig fed = federation.current();
        if (fed.tenants().stream().noneMatch(t -> t.name().equals(tenant))) {
            throw ApiException.unprocessable("tenant: unknown tenant '" + tenant + "'");
        }
        ObjectNode stored = ((ObjectNode) doc.deepCopy()).put("tenant", tenant);
        stored.remove("kind");
        checkPlaceable(fed, spec, stored, tenant);
        ApiException taken = ApiException.conflict("name: tenant " + tenant + " already has a live service named '"
                + spec.name() + "' (PUT /api/v1/services/{id} changes it)");
        long id;
        try {
            id = store.jdbi().inTransaction(h -> {
                if (store.findLive(h, tenant, spec.name()).isPresent()) {
                    throw taken;
                }
                long sid = store.insert(h, tenant, spec.name(), stored, spec.replicas().initial());
                store.event(h, sid, "CREATED", "created by token " + who.tokenId() + " with "
                        + spec.replicas().initial() + " replica(s), " + spec.replicas().min() + " to "
                        + spec.replicas().max());
                return sid;
            });
        } catch (RuntimeException e) {
            if (uniqueViolation(e)) {
                throw taken; // a concurrent create of the same name won
            }
            throw e;
        }
        changed.accept(id);
        return store.find(id).orElseThrow();
    }

    private static boolean uniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException s && "23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Priority class known, centers known and able to host replicas, and some pool able to hold one. */
    private void checkPlaceable(FederationConfig fed, ServiceSpec spec, JsonNode doc, String tenant) {
        priorityClass(fed, spec);
        for (String c : spec.centers()) {
            var center = fed.center(c).orElseThrow(() -> ApiException.unprocessable("centers: unknown center '" + c
                    + "'"));
            if (!ReplicaJobs.SERVING_BACKENDS.contains(center.backend().type())) {
                throw ApiException.unprocessable("centers: center '" + c + "' runs a " + center.backend().type()
                        + " backend, which cannot host serving replicas (local or agent backends can)");
            }
        }
        List<String> hostable = ReplicaJobs.hostable(fed, spec);
        if (hostable.isEmpty()) {
            throw ApiException.unprocessable("centers: no center can host serving replicas (they need a local or "
                    + "agent backend)");
        }
        JobSpec replica = replicas.spec(doc, tenant, hostable);
        Optional<String> infeasible = Feasibility.check(replica, fed.centers());
        if (infeasible.isPresent()) {
            throw ApiException.unprocessable("resources: a replica fits nowhere: " + infeasible.get());
        }
    }

    static PriorityClass priorityClass(FederationConfig fed, ServiceSpec spec) {
        return fed.priority(spec.priority()).orElseThrow(() -> ApiException.unprocessable(
                "priority: unknown priority class '" + spec.priority() + "'; known: "
                        + String.join(", ", fed.priorityClasses().stream().map(PriorityClass::name).toList())));
    }

    /**
     * Changes a live service. The body's top-level fields replace the stored ones (a whole spec file works as
     * well as {@code {"replicas": {"max": 8}}}); only the scaling and gateway fields may change: a different
     * command, resources, env, priority or centers would make the replicas something else, which is a 409
     * (delete the service and create it again).
     */
    public ServiceStore.ServiceRow update(Principal who, long id, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw ApiException.badRequest("the body must be an object of service spec fields");
        }
        ServiceStore.ServiceRow row = visible(who, id);
        if (!row.active()) {
            throw ApiException.conflict("service " + id + " is deleted");
        }
        ObjectNode current = (ObjectNode) Json.MAPPER.readTree(row.specJson());
        ObjectNode merged = current.deepCopy();
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            if (!"kind".equals(e.getKey())) {
                merged.set(e.getKey(), e.getValue());
            }
        }
        if (patch.has("kind")) {
            merged.set("kind", patch.get("kind"));
        }
        ServiceSpec spec = parse(merged);
        merged.remove("kind");
        List<String> changedFixed = new ArrayList<>();
        for (String f : ServiceSpecParser.TOP) {
            if (!ServiceSpecParser.MUTABLE.contains(f) && !"kind".equals(f)
                    && !java.util.Objects.equals(current.get(f), merged.get(f))) {
                changedFixed.add(f);
            }
        }
        if (!changedFixed.isEmpty()) {
            throw ApiException.conflict(changedFixed.get(0) + ": cannot change on a live service (changed: "
                    + String.join(", ", changedFixed) + "); only " + String.join(", ", new java.util.TreeSet<>(
                    ServiceSpecParser.MUTABLE)) + " may; delete the service and create it again to change the others");
        }
        store.jdbi().useTransaction(h -> {
            ServiceStore.ServiceRow locked = store.find(h, id, true).orElseThrow();
            if (!locked.active()) {
                throw ApiException.conflict("service " + id + " is deleted");
            }
            int desired = Math.max(spec.replicas().min(), Math.min(spec.replicas().max(), locked.desired()));
            store.updateSpec(h, id, merged, desired);
            store.event(h, id, "UPDATED", "changed by token " + who.tokenId() + ": " + String.join(", ",
                    patch.propertyNames().stream().filter(n -> !"kind".equals(n)).toList())
                    + (desired != locked.desired() ? "; replicas " + locked.desired() + " -> " + desired : ""));
        });
        changed.accept(id);
        return store.find(id).orElseThrow();
    }

    public ServiceStore.ServiceRow delete(Principal who, long id) {
        ServiceStore.ServiceRow row = visible(who, id);
        store.jdbi().useTransaction(h -> {
            ServiceStore.ServiceRow locked = store.find(h, id, true).orElseThrow();
            if (!locked.active()) {
                throw ApiException.conflict("service " + id + " is already deleted");
            }
            store.markDeleted(h, id);
            store.event(h, id, "DELETED", "deleted by token " + who.tokenId() + "; draining " + locked.desired()
                    + " replica(s)");
        });
        changed.accept(row.id());
        return store.find(id).orElseThrow();
    }
}
