package io.computegrid.spec;

import io.computegrid.model.AcceleratorCatalog;
import io.computegrid.model.ServiceSpec;
import io.computegrid.model.TaskResources;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The service spec wire format (YAML or JSON; docs/services.md). Strict like the job spec, whose shared fields
 * (name, tenant, priority, resources, command, env, centers) it reads with the same {@link WorkloadFields}.
 */
public final class ServiceSpecParser {
    public static final Set<String> TOP = new LinkedHashSet<>(List.of("kind", "name", "tenant", "priority",
            "resources", "command", "env", "centers", "replicas", "autoscaling", "readiness", "requestTimeout",
            "coldStartTimeout", "maxBufferedRequests", "maxRequestBody", "public"));
    /** Fields a running service may change (PUT); the others define what a replica is. */
    public static final Set<String> MUTABLE = Set.of("replicas", "autoscaling", "readiness", "requestTimeout",
            "coldStartTimeout", "maxBufferedRequests", "maxRequestBody", "public");
    static final Duration MAX_WINDOW = Duration.ofHours(1);

    private final WorkloadFields workload;

    public ServiceSpecParser(AcceleratorCatalog catalog) {
        this.workload = new WorkloadFields(catalog);
    }

    public ServiceSpec parse(String text, String source) {
        return parse(Documents.parse(text, source));
    }

    public ServiceSpec parse(JsonNode doc) {
        Fields f = new Fields(doc, "");
        f.rejectUnknown(TOP);
        String kind = f.string("kind", "service");
        if (!"service".equals(kind)) {
            throw new SpecException("kind", "must be service here (got '" + Quantities.clip(kind) + "'); jobs go to "
                    + "/api/v1/jobs");
        }
        String name = WorkloadFields.name(f);
        String tenant = WorkloadFields.tenant(f);
        String priority = WorkloadFields.priority(f);
        TaskResources res = workload.resources(f);
        List<String> command = WorkloadFields.command(f.raw("command"));
        Map<String, String> env = WorkloadFields.env(f);
        List<String> centers = WorkloadFields.centers(f);
        ServiceSpec.Replicas replicas = replicas(f.object("replicas"));
        ServiceSpec.Autoscaling autoscaling = autoscaling(f.object("autoscaling"));
        ServiceSpec.Readiness readiness = readiness(f.object("readiness"));
        Duration requestTimeout = duration(f, "requestTimeout", Duration.ofSeconds(60), Duration.ofMillis(10));
        Duration coldStart = duration(f, "coldStartTimeout", Duration.ofSeconds(120), Duration.ofSeconds(1));
        int buffered = (int) f.integer("maxBufferedRequests", 100, 0, ServiceSpec.MAX_BUFFERED);
        long body = Quantities.bytes(f.raw("maxRequestBody"), "maxRequestBody", 4L << 20, ServiceSpec.MAX_REQUEST_BYTES);
        boolean isPublic = f.bool("public", false);
        return f.build(() -> new ServiceSpec(name, tenant, priority, res, command, env, centers, replicas, autoscaling,
                readiness, requestTimeout, coldStart, buffered, body, isPublic));
    }

    private static ServiceSpec.Replicas replicas(Fields r) {
        if (r == null) {
            return new ServiceSpec.Replicas(0, 1, 1);
        }
        r.rejectUnknown(new LinkedHashSet<>(List.of("min", "max", "initial")));
        int max = (int) r.integer("max", 1, 1, ServiceSpec.MAX_REPLICAS);
        int min = (int) r.integer("min", 0, 0, ServiceSpec.MAX_REPLICAS);
        if (min > max) {
            throw new SpecException(r.path("min"), "must not be above max (" + max + "), got " + min);
        }
        // a new service starts warm (one replica) unless told otherwise; it may still scale to zero when idle
        int initial = (int) r.integer("initial", Math.max(min, Math.min(1, max)), 0, ServiceSpec.MAX_REPLICAS);
        if (initial < min || initial > max) {
            throw new SpecException(r.path("initial"), "must be between min (" + min + ") and max (" + max + "), got "
                    + initial);
        }
        return r.build(() -> new ServiceSpec.Replicas(min, max, initial));
    }

    private static ServiceSpec.Autoscaling autoscaling(Fields a) {
        ServiceSpec.Autoscaling d = ServiceSpec.Autoscaling.defaults();
        if (a == null) {
            return d;
        }
        a.rejectUnknown(new LinkedHashSet<>(List.of("targetInFlight", "stableWindow", "panicWindow", "panicThreshold",
                "scaleToZeroAfter")));
        double target = a.number("targetInFlight", d.targetInFlight(), 0.01, 10_000);
        Duration stable = duration(a, "stableWindow", d.stableWindow(), Duration.ofSeconds(1));
        Duration panic = duration(a, "panicWindow", d.panicWindow(), Duration.ofMillis(500));
        if (panic.compareTo(stable) > 0) {
            throw new SpecException(a.path("panicWindow"), "must not be longer than stableWindow (" + stable.toMillis()
                    + " ms), got " + panic.toMillis() + " ms");
        }
        double threshold = a.number("panicThreshold", d.panicThreshold(), 1, 100);
        Duration zero = duration(a, "scaleToZeroAfter", d.scaleToZeroAfter(), Duration.ofSeconds(1));
        return a.build(() -> new ServiceSpec.Autoscaling(target, stable, panic, threshold, zero));
    }

    private static ServiceSpec.Readiness readiness(Fields r) {
        if (r == null) {
            return new ServiceSpec.Readiness("/healthz", Duration.ofSeconds(1));
        }
        r.rejectUnknown(new LinkedHashSet<>(List.of("path", "timeout")));
        String path = r.string("path", "/healthz");
        if (!path.startsWith("/") || path.length() > 1024 || path.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            throw new SpecException(r.path("path"), "must start with / and hold no spaces or control characters");
        }
        Duration timeout = duration(r, "timeout", Duration.ofSeconds(1), Duration.ofMillis(10));
        if (timeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new SpecException(r.path("timeout"), "must be at most 1m");
        }
        return r.build(() -> new ServiceSpec.Readiness(path, timeout));
    }

    /** A duration field between {@code min} and one hour. */
    private static Duration duration(Fields f, String field, Duration fallback, Duration min) {
        Duration d = Quantities.duration(f.raw(field), f.path(field));
        if (d == null) {
            return fallback;
        }
        if (d.compareTo(min) < 0 || d.compareTo(MAX_WINDOW) > 0) {
            throw new SpecException(f.path(field), "must be between " + min.toMillis() + " ms and 1h");
        }
        return d;
    }
}
