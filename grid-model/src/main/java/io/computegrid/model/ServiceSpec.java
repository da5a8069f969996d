package io.computegrid.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An inference service: {@code replicas} identical replicas, each with {@code resources}, running {@code command}
 * that listens on {@code $GRID_PORT}; the platform's gateway routes requests to the ready ones and the autoscaler
 * keeps their number between {@code replicas.min} and {@code replicas.max}. See
 * {@code io.computegrid.spec.ServiceSpecParser} for the wire format and docs/services.md for the meaning.
 *
 * @param requestTimeout     how long the gateway waits for a replica to start answering (then 504)
 * @param coldStartTimeout   how long a request is held while no replica is ready (then 504)
 * @param maxBufferedRequests requests held at most while no replica is ready (beyond: 503 with Retry-After)
 * @param maxRequestBytes    largest request body the gateway accepts (buffered, so it can be held and retried)
 * @param isPublic           the gateway serves callers without a token of the tenant
 */
public record ServiceSpec(String name, String tenant, String priority, TaskResources resources, List<String> command,
                          Map<String, String> env, List<String> centers, Replicas replicas, Autoscaling autoscaling,
                          Readiness readiness, Duration requestTimeout, Duration coldStartTimeout,
                          int maxBufferedRequests, long maxRequestBytes, boolean isPublic) {
    public static final int MAX_REPLICAS = 64;
    public static final int MAX_BUFFERED = 10_000;
    public static final long MAX_REQUEST_BYTES = 64L << 20;

    public ServiceSpec {
        Names.requireValid(name, "service");
        if (tenant != null) {
            Names.requireValid(tenant, "tenant");
        }
        priority = priority == null ? "normal" : priority;
        Names.requireValid(priority, "priority class");
        if (resources == null || replicas == null || autoscaling == null || readiness == null) {
            throw new IllegalArgumentException("resources, replicas, autoscaling and readiness are required");
        }
        command = List.copyOf(command == null ? List.of() : command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must be a non-empty list of strings");
        }
        env = Map.copyOf(env == null ? Map.of() : env);
        centers = List.copyOf(centers == null ? List.of() : centers);
        requirePositive(requestTimeout, "requestTimeout");
        requirePositive(coldStartTimeout, "coldStartTimeout");
        if (maxBufferedRequests < 0 || maxBufferedRequests > MAX_BUFFERED) {
            throw new IllegalArgumentException("maxBufferedRequests must be between 0 and " + MAX_BUFFERED);
        }
        if (maxRequestBytes < 0 || maxRequestBytes > MAX_REQUEST_BYTES) {
            throw new IllegalArgumentException("maxRequestBody must be at most 64Mi");
        }
    }

    private static void requirePositive(Duration d, String field) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + " must be positive");
        }
    }

    /** Replica bounds: the autoscaler stays within [min, max]; a new service starts with {@code initial}. */
    public record Replicas(int min, int max, int initial) {
        public Replicas {
            if (max < 1 || max > MAX_REPLICAS) {
                throw new IllegalArgumentException("max must be between 1 and " + MAX_REPLICAS + " (got " + max + ")");
            }
            if (min < 0 || min > max) {
                throw new IllegalArgumentException("min must be between 0 and max (" + max + "), got " + min);
            }
            if (initial < min || initial > max) {
                throw new IllegalArgumentException("initial must be between min (" + min + ") and max (" + max
                        + "), got " + initial);
            }
        }
    }

    /**
     * Knative-style concurrency autoscaling: desired replicas = ceil(average in-flight / targetInFlight) over the
     * stable window; the panic window reacts to bursts; scale to zero after {@code scaleToZeroAfter} without
     * requests when min is 0.
     */
    public record Autoscaling(double targetInFlight, Duration stableWindow, Duration panicWindow,
                              double panicThreshold, Duration scaleToZeroAfter) {
        public Autoscaling {
            if (!(targetInFlight > 0) || targetInFlight > 10_000) {
                throw new IllegalArgumentException("targetInFlight must be above 0 and at most 10000");
            }
            requirePositive(stableWindow, "stableWindow");
            requirePositive(panicWindow, "panicWindow");
            requirePositive(scaleToZeroAfter, "scaleToZeroAfter");
            if (panicWindow.compareTo(stableWindow) > 0) {
                throw new IllegalArgumentException("panicWindow must not be longer than stableWindow");
            }
            if (!(panicThreshold >= 1) || panicThreshold > 100) {
                throw new IllegalArgumentException("panicThreshold must be between 1 and 100");
            }
        }

        public static Autoscaling defaults() {
            return new Autoscaling(4, Duration.ofSeconds(60), Duration.ofSeconds(6), 2.0, Duration.ofSeconds(60));
        }
    }

    /** A replica is ready when GET {@code path} on its endpoint answers 2xx within {@code timeout}. */
    public record Readiness(String path, Duration timeout) {
        public Readiness {
            if (path == null || !path.startsWith("/") || path.length() > 1024 || path.chars().anyMatch(c -> c <= ' ')) {
                throw new IllegalArgumentException("path must start with / and hold no spaces or control characters");
            }
            requirePositive(timeout, "timeout");
        }
    }
}
