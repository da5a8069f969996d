package io.computegrid.server.serving;

import io.computegrid.config.FederationConfig;
import io.computegrid.config.PriorityClass;
import io.computegrid.model.Center;
import io.computegrid.model.JobSpec;
import io.computegrid.model.ServiceSpec;
import io.computegrid.server.events.EventBus;
import io.computegrid.server.jobs.JobStore;
import io.computegrid.spec.JobSpecParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Replicas are jobs: one task with the service's resources, priority, command and env, no runtime limit, and the
 * centers restricted to those whose backend can host a serving task (it must pick a port and report where the
 * task listens). So the scheduler places them under the same quota as training, explain works, and metering
 * records every replica card-second.
 */
public final class ReplicaJobs {
    /** Backends that implement {@code LaunchRequest.exposePort()}; Slurm and Kubernetes do not host services. */
    public static final Set<String> SERVING_BACKENDS = Set.of("local", "agent");

    private final JobStore jobs;
    private final JobSpecParser parser;
    private final ServiceStore store;

    public ReplicaJobs(JobStore jobs, JobSpecParser parser, ServiceStore store) {
        this.jobs = jobs;
        this.parser = parser;
        this.store = store;
    }

    /** Centers that may run the service's replicas: its own list (or all), those with a serving backend. */
    public static List<String> hostable(FederationConfig fed, ServiceSpec spec) {
        List<String> out = new ArrayList<>();
        for (Center c : fed.centers()) {
            if (SERVING_BACKENDS.contains(c.backend().type())
                    && (spec.centers().isEmpty() || spec.centers().contains(c.name()))) {
                out.add(c.name());
            }
        }
        return out;
    }

    /** The job document of one replica of {@code serviceDoc} (already validated as a service spec). */
    public static ObjectNode jobDocument(JsonNode serviceDoc, String name, String tenant, List<String> centers) {
        ObjectNode job = io.computegrid.spec.Documents.json().createObjectNode();
        job.put("name", name);
        job.put("tenant", tenant);
        if (serviceDoc.has("priority")) {
            job.set("priority", serviceDoc.get("priority"));
        }
        job.put("tasks", 1);
        job.set("resources", serviceDoc.get("resources"));
        job.set("command", serviceDoc.get("command"));
        if (serviceDoc.has("env")) {
            job.set("env", serviceDoc.get("env"));
        }
        ArrayNode cs = job.putArray("centers");
        centers.forEach(cs::add);
        return job;
    }

    /** The replica's job spec as the scheduler will read it (for feasibility checks before anything is written). */
    public JobSpec spec(JsonNode serviceDoc, String tenant, List<String> centers) {
        return parser.parse(jobDocument(serviceDoc, "replica", tenant, centers));
    }

    /** Inserts one PENDING replica job of the service, with its SUBMITTED event; returns its id. */
    public long create(Handle h, EventBus.Batch ev, ServiceStore.ServiceRow svc, JsonNode serviceDoc,
                       List<String> centers, PriorityClass pc, String why) {
        int n = store.nextReplicaNumber(h, svc.id());
        String suffix = "-r" + n;
        String base = svc.name().length() + suffix.length() > 63 ? svc.name().substring(0, 63 - suffix.length())
                : svc.name();
        ObjectNode doc = jobDocument(serviceDoc, base + suffix, svc.tenant(), centers);
        JobSpec spec = parser.parse(doc);
        long id = jobs.insert(h, spec, doc, svc.tenant(), pc.name(), pc.value());
        store.markReplica(h, id, svc.id());
        ev.add(h, id, svc.tenant(), "SUBMITTED", "PENDING", "replica " + n + " of service " + svc.name() + " (id "
                + svc.id() + "): " + why);
        return id;
    }
}
