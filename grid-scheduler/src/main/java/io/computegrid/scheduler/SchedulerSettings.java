package io.computegrid.scheduler;

import io.computegrid.config.FederationConfig;
import io.computegrid.config.PriorityClass;
import io.computegrid.model.Objective;
import io.computegrid.spec.Fields;
import io.computegrid.spec.SpecException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The scheduler's settings, from the federation's {@code scheduler} and {@code network} sections.
 * Validated once ({@link #parse}), immutable afterwards; every field has a default so a federation
 * without the sections works. See docs/scheduler.md for the meaning of each field.
 *
 * @param maxJobsPerCycle        at most this many pending jobs are considered per cycle
 * @param maxConsecutiveFailures the scan stops after this many consecutive jobs that cannot start
 * @param assumedRuntimeMillis   run time assumed for a running job without a limit when estimating starts
 * @param halfLifeMillis         half-life of the decayed usage used for fair share (the caller decays)
 * @param historyWeight          weight (0..1) of decayed past usage against current dominant share
 * @param tenantOrder            order among one tenant's jobs of equal priority: fifo, sjf or las
 * @param preemption             whether priority preemption and quota reclaim may preempt
 * @param reclaimGraceMillis     a job reclaiming its nominal quota preempts only after waiting this long
 * @param maxPreemptionAttempts  at most this many jobs per cycle look for victims
 * @param restartProtectionMillis a job restarted after losing an attempt is no victim of plugin preempt
 *                               until it has run this long again
 * @param agingMillis            a job waiting longer than this goes ahead of fair-share order (0: off)
 * @param lasThresholdsCardSeconds queue thresholds of 2D-LAS in card-seconds of attained service
 * @param lasStarveFactor        2D-LAS starvation avoidance: a job that ran before and has waited this many
 *                               times its last run goes back to the first queue (0: off)
 * @param defaultObjective       objective of jobs that do not choose one
 * @param weights                weights of the cross-center score per objective
 * @param unlistedQuota          "borrow": a model without quota counts as nominal 0 that may borrow; "deny"
 * @param network                bandwidth and latency tables
 * @param servingPreemptsPriorities values of the priority classes ({@code scheduler.preemption.servingPreempts},
 *                               default low and spot) whose training a serving replica of higher priority may
 *                               preempt even in quota and of other tenants
 */
public record SchedulerSettings(int maxJobsPerCycle, int maxConsecutiveFailures, long assumedRuntimeMillis,
                                long halfLifeMillis, double historyWeight, String tenantOrder, boolean preemption,
                                long reclaimGraceMillis, int maxPreemptionAttempts, long restartProtectionMillis, long agingMillis, List<Long> lasThresholdsCardSeconds,
                                double lasStarveFactor, Objective defaultObjective, Map<Objective, Weights> weights, String unlistedQuota,
                                Network network, Set<Integer> servingPreemptsPriorities) {
    /** A LAS threshold past a year of a million cards is no threshold at all. */
    static final long MAX_THRESHOLD_CARD_SECONDS = 1_000_000L * 365 * 24 * 3600;

    /** Weights of the cross-center score; each term is normalised to 0..1 over the candidates. */
    public record Weights(double time, double cost, double data, double latency, double energy) {
        public Weights {
            for (double w : new double[]{time, cost, data, latency, energy}) {
                if (!(w >= 0) || w > 1000) {
                    throw new IllegalArgumentException("weights must be between 0 and 1000");
                }
            }
        }
    }

    /**
     * Network between centers and regions. Bandwidth (Gbit/s) is looked up by center pair, latency
     * (ms) by region pair; both are symmetric unless both directions are given.
     */
    public record Network(double defaultBandwidthGbps, double defaultLatencyMs, double sameRegionLatencyMs,
                          Map<String, Double> bandwidthGbps, Map<String, Double> latencyMs) {
        public Network {
            bandwidthGbps = Map.copyOf(bandwidthGbps);
            latencyMs = Map.copyOf(latencyMs);
        }

        public double bandwidth(String fromCenter, String toCenter) {
            if (fromCenter.equals(toCenter)) {
                return Double.POSITIVE_INFINITY;
            }
            Double v = bandwidthGbps.get(fromCenter + "|" + toCenter);
            if (v == null) {
                v = bandwidthGbps.get(toCenter + "|" + fromCenter);
            }
            return v == null ? defaultBandwidthGbps : v;
        }

        public double latency(String fromRegion, String toRegion) {
            Double v = latencyMs.get(fromRegion + "|" + toRegion);
            if (v == null) {
                v = latencyMs.get(toRegion + "|" + fromRegion);
            }
            if (v != null) {
                return v;
            }
            return fromRegion.equals(toRegion) ? sameRegionLatencyMs : defaultLatencyMs;
        }
    }

    public static final Set<String> TENANT_ORDERS = Set.of("fifo", "sjf", "las");
    /** Default of {@code scheduler.las.starveFactor}. */
    public static final double DEFAULT_LAS_STARVE_FACTOR = 0;

    public SchedulerSettings {
        lasThresholdsCardSeconds = List.copyOf(lasThresholdsCardSeconds);
        weights = Map.copyOf(weights);
        servingPreemptsPriorities = Set.copyOf(servingPreemptsPriorities);
    }

    /** Default of {@code scheduler.preemption.servingPreempts}: training of these classes yields to serving. */
    public static final List<String> DEFAULT_SERVING_PREEMPTS = List.of("low", "spot");

    public Weights weightsFor(Objective o) {
        Weights w = weights.get(o);
        return w != null ? w : weights.get(Objective.BALANCED);
    }

    public static SchedulerSettings defaults() {
        return parse(null, null);
    }

    /** The settings of a federation (its {@code scheduler} and {@code network} sections). */
    public static SchedulerSettings of(FederationConfig f) {
        return parse(f.section("scheduler").orElse(null), f.section("network").orElse(null), f.priorityClasses());
    }

    /** Parses the {@code scheduler} section alone (network defaults). */
    public static SchedulerSettings parse(JsonNode scheduler) {
        return parse(scheduler, null);
    }

    /**
     * Parses and validates both sections; either may be null. Errors are {@link SpecException}s naming the
     * field, e.g. {@code scheduler.fairShare.historyWeight: must be between 0 and 1 (got 2)}.
     */
    public static SchedulerSettings parse(JsonNode scheduler, JsonNode network) {
        return parse(scheduler, network, FederationConfig.DEFAULT_PRIORITIES);
    }

    /** As {@link #parse(JsonNode, JsonNode)}, resolving priority class names against {@code classes}. */
    public static SchedulerSettings parse(JsonNode scheduler, JsonNode network, List<PriorityClass> classes) {
        Fields s = scheduler == null || scheduler.isNull() ? null : new Fields(scheduler, "scheduler");
        int maxJobs = 10_000;
        int maxFail = 512;
        long assumed = 3_600_000;
        long halfLife = 7L * 24 * 3_600_000;
        double history = 0.5;
        String order = "fifo";
        boolean preempt = true;
        long grace = 60_000;
        int attempts = 16;
        long restartProtection = 600_000;
        long aging = 0;
        List<Long> las = List.of(3_600L, 36_000L);
        double starve = DEFAULT_LAS_STARVE_FACTOR;
        Objective objective = Objective.BALANCED;
        Map<Objective, Weights> weights = new EnumMap<>(Objective.class);
        weights.put(Objective.TIME, new Weights(1, 0, 0.2, 0.05, 0));
        weights.put(Objective.COST, new Weights(0.1, 1, 0.05, 0.02, 0));
        weights.put(Objective.GREEN, new Weights(0.1, 0.05, 0.05, 0.02, 1));
        weights.put(Objective.BALANCED, new Weights(0.5, 0.2, 0.15, 0.05, 0.1));
        String unlisted = "borrow";
        List<String> servingPreempts = DEFAULT_SERVING_PREEMPTS;
        String servingPath = "scheduler.preemption.servingPreempts";
        if (s != null) {
            s.rejectUnknown(Set.of("policy", "maxJobsPerCycle", "maxConsecutiveFailures", "assumedRuntimeSeconds",
                    "fairShare", "preemption", "agingSeconds", "las", "defaultObjective", "weights", "quota"));
            if (s.has("policy")) {
                String p = s.string("policy", "default");
                if (!Policies.NAMES.contains(p)) {
                    throw new SpecException(s.path("policy"), "unknown policy '" + p + "'; known: " + Policies.NAMES);
                }
            }
            maxJobs = (int) s.integer("maxJobsPerCycle", maxJobs, 1, 10_000_000);
            maxFail = (int) s.integer("maxConsecutiveFailures", maxFail, 1, 10_000_000);
            assumed = s.integer("assumedRuntimeSeconds", assumed / 1000, 1, 365L * 24 * 3600) * 1000;
            aging = s.integer("agingSeconds", 0, 0, 365L * 24 * 3600) * 1000;
            Fields fs = s.object("fairShare");
            if (fs != null) {
                fs.rejectUnknown(Set.of("halfLifeSeconds", "historyWeight", "tenantOrder"));
                halfLife = fs.integer("halfLifeSeconds", halfLife / 1000, 1, 10L * 365 * 24 * 3600) * 1000;
                history = fs.number("historyWeight", history, 0, 1);
                order = fs.string("tenantOrder", order).toLowerCase(Locale.ROOT);
                if (!TENANT_ORDERS.contains(order)) {
                    throw new SpecException(fs.path("tenantOrder"), "must be one of fifo, sjf, las (got '" + order + "')");
                }
            }
            Fields pr = s.object("preemption");
            if (pr != null) {
                pr.rejectUnknown(Set.of("enabled", "reclaimGraceSeconds", "maxAttemptsPerCycle",
                        "restartProtectionSeconds", "servingPreempts"));
                if (pr.has("servingPreempts")) {
                    servingPreempts = pr.strings("servingPreempts");
                }
                restartProtection = pr.integer("restartProtectionSeconds", restartProtection / 1000, 0,
                        365L * 24 * 3600) * 1000;
                attempts = (int) pr.integer("maxAttemptsPerCycle", attempts, 0, 1_000_000);
                preempt = pr.bool("enabled", preempt);
                grace = pr.integer("reclaimGraceSeconds", grace / 1000, 0, 365L * 24 * 3600) * 1000;
            }
            Fields l = s.object("las");
            if (l != null) {
                l.rejectUnknown(Set.of("thresholdsCardSeconds", "starveFactor"));
                starve = l.number("starveFactor", starve, 0, 1_000_000);
                JsonNode t = l.raw("thresholdsCardSeconds");
                if (t != null && !t.isNull()) {
                    if (!t.isArray()) {
                        throw new SpecException(l.path("thresholdsCardSeconds"), "must be a list of numbers");
                    }
                    List<Long> out = new ArrayList<>();
                    long prev = 0;
                    for (int i = 0; i < t.size(); i++) {
                        JsonNode e = t.get(i);
                        String at = l.path("thresholdsCardSeconds") + "[" + i + "]";
                        if (!e.isNumber()) {
                            throw new SpecException(at, "must be a number greater than the one before it");
                        }
                        java.math.BigDecimal v = Fields.decimalOf(e, at);
                        if (v.compareTo(java.math.BigDecimal.valueOf(prev)) <= 0
                                || v.compareTo(java.math.BigDecimal.valueOf(MAX_THRESHOLD_CARD_SECONDS)) > 0) {
                            throw new SpecException(at, "must be greater than the one before it and at most "
                                    + MAX_THRESHOLD_CARD_SECONDS);
                        }
                        prev = v.longValue();
                        out.add(prev);
                    }
                    las = out;
                }
            }
            if (s.has("defaultObjective")) {
                String o = s.string("defaultObjective", "balanced");
                try {
                    objective = Objective.parse(o);
                } catch (IllegalArgumentException e) {
                    throw new SpecException(s.path("defaultObjective"), e.getMessage());
                }
            }
            Fields w = s.object("weights");
            if (w != null) {
                w.rejectUnknown(Set.of("time", "cost", "green", "balanced"));
                for (Objective o : Objective.values()) {
                    Fields ow = w.object(o.label());
                    if (ow != null) {
                        ow.rejectUnknown(Set.of("time", "cost", "data", "latency", "energy"));
                        Weights d = weights.get(o);
                        weights.put(o, new Weights(ow.number("time", d.time(), 0, 1000),
                                ow.number("cost", d.cost(), 0, 1000), ow.number("data", d.data(), 0, 1000),
                                ow.number("latency", d.latency(), 0, 1000), ow.number("energy", d.energy(), 0, 1000)));
                    }
                }
            }
            Fields q = s.object("quota");
            if (q != null) {
                q.rejectUnknown(Set.of("unlisted"));
                unlisted = q.string("unlisted", unlisted);
                if (!Set.of("borrow", "deny").contains(unlisted)) {
                    throw new SpecException(q.path("unlisted"), "must be borrow or deny (got '" + unlisted + "')");
                }
            }
        }
        return new SchedulerSettings(maxJobs, maxFail, assumed, halfLife, history, order, preempt, grace, attempts, restartProtection, aging, las,
                starve, objective, weights, unlisted, parseNetwork(network),
                priorities(servingPreempts, servingPath, classes));
    }

    /** Priority class names resolved to their values; an unknown name is an error naming the entry. */
    static Set<Integer> priorities(List<String> names, String path, List<PriorityClass> classes) {
        Set<Integer> out = new java.util.HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            int at = i;
            PriorityClass pc = classes.stream().filter(c -> c.name().equals(n)).findFirst()
                    .orElseThrow(() -> new SpecException(path + "[" + at + "]", "unknown priority class '" + n
                            + "'; known: " + String.join(", ", classes.stream().map(PriorityClass::name).toList())));
            out.add(pc.value());
        }
        return out;
    }

    static Network parseNetwork(JsonNode network) {
        double bw = 10;
        double lat = 50;
        double same = 2;
        Map<String, Double> bws = new HashMap<>();
        Map<String, Double> lats = new HashMap<>();
        if (network != null && !network.isNull()) {
            Fields n = new Fields(network, "network");
            n.rejectUnknown(Set.of("defaultBandwidthGbps", "defaultLatencyMs", "sameRegionLatencyMs", "bandwidth",
                    "latency"));
            bw = n.number("defaultBandwidthGbps", bw, 0.001, 1e6);
            lat = n.number("defaultLatencyMs", lat, 0, 1e6);
            same = n.number("sameRegionLatencyMs", same, 0, 1e6);
            for (Fields b : n.objects("bandwidth")) {
                b.rejectUnknown(Set.of("from", "to", "gbps"));
                bws.put(b.requiredString("from") + "|" + b.requiredString("to"), b.number("gbps", 0, 0.001, 1e6));
                if (!b.has("gbps")) {
                    throw new SpecException(b.path("gbps"), "is required");
                }
            }
            for (Fields l : n.objects("latency")) {
                l.rejectUnknown(Set.of("from", "to", "ms"));
                if (!l.has("ms")) {
                    throw new SpecException(l.path("ms"), "is required");
                }
                lats.put(l.requiredString("from") + "|" + l.requiredString("to"), l.number("ms", 0, 0, 1e6));
            }
        }
        return new Network(bw, lat, same, bws, lats);
    }
}
