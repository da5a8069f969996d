package io.computegrid.sim;

import java.util.Map;
import java.util.TreeMap;

/**
 * How a replay runs, validated once. Times in milliseconds.
 *
 * @param policy                   scheduler policy name ({@code io.computegrid.scheduler.Policies})
 * @param restartOverheadMillis    time a preempted job spends restarting before it does useful work again
 * @param checkpointIntervalMillis useful run time between checkpoints: 0 = continuous (no work lost),
 *                                 -1 = never checkpoints (a preempted job starts over)
 * @param speeds                   relative speed of trace jobs per accelerator model (absent: 1.0)
 * @param tenantCenters            each tenant's jobs run only in the center named after it, and every
 *                                 center schedules its own queue (Philly's virtual clusters as in Helios)
 * @param fill                     the packing experiment: arrivals in file order, no departures, stop when
 *                                 requests reach 100% of GPU capacity; unplaceable jobs are dropped
 * @param seed                     seeds every random choice (fill-mode inflation)
 * @param tickMillis               extra scheduling cycles this often while jobs wait (0: only on events)
 * @param usageHalfLifeMillis      half-life of tenants' decayed usage passed to the scheduler; 0 takes the
 *                                 federation's {@code scheduler.fairShare.halfLifeSeconds} (as the server does)
 */
public record SimOptions(String policy, long restartOverheadMillis, long checkpointIntervalMillis,
                         Map<String, Double> speeds, boolean tenantCenters, boolean fill, long seed, long tickMillis,
                         long usageHalfLifeMillis) {
    public static final long DEFAULT_RESTART_OVERHEAD = 60_000;
    public static final long DEFAULT_CHECKPOINT_INTERVAL = 1_800_000;

    public SimOptions {
        if (policy == null || policy.isBlank()) {
            policy = "default";
        }
        if (restartOverheadMillis < 0) {
            throw new IllegalArgumentException("restart overhead must not be negative");
        }
        if (checkpointIntervalMillis < -1) {
            throw new IllegalArgumentException("checkpoint interval must be positive, 0 (continuous) or -1 (never)");
        }
        speeds = Map.copyOf(new TreeMap<>(speeds == null ? Map.of() : speeds));
        for (Map.Entry<String, Double> e : speeds.entrySet()) {
            if (!(e.getValue() > 0) || e.getValue() > 1000) {
                throw new IllegalArgumentException("speed of " + e.getKey() + " must be positive");
            }
        }
        if (tickMillis < 0) {
            throw new IllegalArgumentException("tick must not be negative");
        }
        if (usageHalfLifeMillis < 0) {
            throw new IllegalArgumentException("usage half-life must be positive (0: the federation's)");
        }
    }

    public static SimOptions defaults() {
        return new SimOptions("default", DEFAULT_RESTART_OVERHEAD, DEFAULT_CHECKPOINT_INTERVAL, Map.of(), false, false,
                1, 0, 0);
    }

    public SimOptions withPolicy(String p) {
        return new SimOptions(p, restartOverheadMillis, checkpointIntervalMillis, speeds, tenantCenters, fill, seed,
                tickMillis, usageHalfLifeMillis);
    }

    public SimOptions withPreemptionCost(long restartOverhead, long checkpointInterval) {
        return new SimOptions(policy, restartOverhead, checkpointInterval, speeds, tenantCenters, fill, seed,
                tickMillis, usageHalfLifeMillis);
    }

    public SimOptions withSpeeds(Map<String, Double> s) {
        return new SimOptions(policy, restartOverheadMillis, checkpointIntervalMillis, s, tenantCenters, fill, seed,
                tickMillis, usageHalfLifeMillis);
    }

    public SimOptions withTenantCenters(boolean on) {
        return new SimOptions(policy, restartOverheadMillis, checkpointIntervalMillis, speeds, on, fill, seed,
                tickMillis, usageHalfLifeMillis);
    }

    public SimOptions withFill(boolean on) {
        return new SimOptions(policy, restartOverheadMillis, checkpointIntervalMillis, speeds, tenantCenters, on, seed,
                tickMillis, usageHalfLifeMillis);
    }

    public SimOptions withSeed(long s) {
        return new SimOptions(policy, restartOverheadMillis, checkpointIntervalMillis, speeds, tenantCenters, fill, s,
                tickMillis, usageHalfLifeMillis);
    }

    public SimOptions withTick(long t) {
        return new SimOptions(policy, restartOverheadMillis, checkpointIntervalMillis, speeds, tenantCenters, fill, seed,
                t, usageHalfLifeMillis);
    }

    public double speedOf(String model) {
        return speeds.getOrDefault(model, 1.0);
    }

    public double maxSpeed() {
        double m = 1.0;
        for (double s : speeds.values()) {
            m = Math.max(m, s);
        }
        return m;
    }
}
