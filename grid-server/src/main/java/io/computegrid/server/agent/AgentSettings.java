package io.computegrid.server.agent;

import io.computegrid.config.FederationConfig;
import io.computegrid.model.BackendSpec;
import io.computegrid.model.Center;
import io.computegrid.spec.Quantities;
import io.computegrid.spec.SpecException;
import java.time.Duration;
import java.util.Set;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * An agent center's backend settings ({@code backend: {type: agent, heartbeatInterval: 10s, downAfter: 60s}}),
 * validated once at start: how often its agents report, and how long an agent may stay silent before its node is
 * taken out of scheduling and its jobs are requeued. {@code downAfter} covers at least two missed heartbeats.
 */
public record AgentSettings(Duration heartbeatInterval, Duration downAfter) {
    public static final String TYPE = "agent";
    static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
    static final Duration DEFAULT_DOWN_AFTER = Duration.ofSeconds(60);
    private static final Set<String> KNOWN = Set.of("heartbeatInterval", "downAfter");

    public static AgentSettings from(String center, BackendSpec spec) {
        String where = "centers." + center + ".backend.";
        for (String k : spec.settings().keySet()) {
            if (!KNOWN.contains(k)) {
                throw new SpecException(where + k, "unknown setting (known: downAfter, heartbeatInterval)");
            }
        }
        Duration beat = duration(spec, "heartbeatInterval", DEFAULT_HEARTBEAT, where);
        Duration down = duration(spec, "downAfter", DEFAULT_DOWN_AFTER, where);
        if (beat.toMillis() < 100) {
            throw new SpecException(where + "heartbeatInterval", "must be at least 100ms");
        }
        if (down.compareTo(beat.multipliedBy(2)) < 0) {
            throw new SpecException(where + "downAfter", "must be at least twice heartbeatInterval ("
                    + beat.toMillis() + "ms): one late heartbeat must not take a node down");
        }
        return new AgentSettings(beat, down);
    }

    /** Checks every agent center of a federation (before the server touches its data directory). */
    public static void validate(FederationConfig cfg) {
        for (Center c : cfg.centers()) {
            if (TYPE.equals(c.backend().type())) {
                from(c.name(), c.backend());
            }
        }
    }

    private static Duration duration(BackendSpec spec, String key, Duration fallback, String where) {
        String v = spec.settings().get(key);
        return v == null ? fallback : Quantities.duration(JsonNodeFactory.instance.stringNode(v), where + key);
    }
}
