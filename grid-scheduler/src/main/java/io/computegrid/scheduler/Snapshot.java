package io.computegrid.scheduler;

import io.computegrid.config.FederationConfig;
import java.util.List;
import java.util.Map;

/**
 * Everything one scheduling cycle may look at, immutable: the federation (centers, pools,
 * tenants with quotas, priority classes, scheduler settings), the nodes' capacity, the jobs that
 * hold cards and the jobs that wait, and each tenant's decayed past usage (normalised card-seconds,
 * for fair share). Nothing in it changes while the scheduler runs.
 */
public record Snapshot(FederationConfig federation, List<NodeInfo> nodes, List<RunningJob> running,
                       List<PendingJob> pending, Map<String, Double> decayedUsage) {
    public Snapshot {
        decayedUsage = Map.copyOf(decayedUsage == null ? Map.of() : decayedUsage);
        nodes = List.copyOf(nodes);
        running = List.copyOf(running);
        pending = List.copyOf(pending);
    }

    public Snapshot(FederationConfig federation, List<NodeInfo> nodes, List<RunningJob> running,
                    List<PendingJob> pending) {
        this(federation, nodes, running, pending, Map.of());
    }
}
