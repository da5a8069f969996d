package io.computegrid.serving;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which replicas go when a service scales down: first those not placed yet (they cost nothing to drop), then
 * those placed but not ready, then ready ones with the fewest requests in flight (the quickest to drain); the
 * newest first among equals, so the replicas that proved themselves longest stay.
 */
public final class ScaleDown {
    private ScaleDown() {
    }

    /** How far a replica is: waiting for cards, placed or starting, or ready for traffic. */
    public enum Phase { PENDING, STARTING, READY }

    /** A live replica as the controller sees it. */
    public record Replica(long jobId, Phase phase, int inFlight) {
    }

    /** The {@code count} replicas to remove, in the order they should go. */
    public static List<Long> choose(List<Replica> replicas, int count) {
        List<Replica> order = new ArrayList<>(replicas);
        order.sort(Comparator.comparingInt((Replica r) -> r.phase().ordinal())
                .thenComparingInt(Replica::inFlight)
                .thenComparing(Comparator.comparingLong(Replica::jobId).reversed()));
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < Math.min(count, order.size()); i++) {
            out.add(order.get(i).jobId());
        }
        return out;
    }
}
