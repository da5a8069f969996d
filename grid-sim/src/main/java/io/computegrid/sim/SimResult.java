package io.computegrid.sim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of one replay: the summary (CONTRACT.md fields and more), per-tenant figures, the
 * time series and the JCT distribution for the report. Times are reported in seconds.
 */
public final class SimResult {
    private final String policy;
    private final SimOptions options;
    private final Metrics m;
    private final long capacityMilli;
    private final long allocatedAtEnd;
    private final long requestedMilli;
    private final long events;
    private final long cycles;
    private final long schedulerNanos;
    private final long unfinished;
    private final Map<String, Object> extra;
    private final long[] sortedJct;
    private final long[] sortedQueue;
    private double wallSeconds;

    SimResult(String policy, SimOptions options, Metrics m, long capacityMilli, long allocatedAtEnd,
              long requestedMilli, long events, long cycles, long schedulerNanos, long unfinished,
              Map<String, Object> extra) {
        this.policy = options.policy();
        this.options = options;
        this.m = m;
        this.capacityMilli = capacityMilli;
        this.allocatedAtEnd = allocatedAtEnd;
        this.requestedMilli = requestedMilli;
        this.events = events;
        this.cycles = cycles;
        this.schedulerNanos = schedulerNanos;
        this.unfinished = unfinished;
        this.extra = extra == null ? Map.of() : extra;
        this.sortedJct = Arrays.copyOf(m.jct, m.finished);
        Arrays.sort(sortedJct);
        this.sortedQueue = Arrays.copyOf(m.queue, m.finished);
        Arrays.sort(sortedQueue);
    }

    public String policy() {
        return policy;
    }

    public void wallSeconds(double s) {
        this.wallSeconds = s;
    }

    public double wallSeconds() {
        return wallSeconds;
    }

    public long events() {
        return events;
    }

    /** Nearest-rank percentile of a sorted array, in seconds (0 when empty). */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1000.0;
    }

    private static double avg(long[] a) {
        if (a.length == 0) {
            return 0;
        }
        double s = 0;
        for (long x : a) {
            s += x;
        }
        return s / a.length / 1000.0;
    }

    public double avgJctSeconds() {
        return avg(sortedJct);
    }

    public double utilization() {
        return m.busyMillis == 0 || capacityMilli == 0 ? 0 : m.allocatedMilliMillis / (capacityMilli * m.busyMillis);
    }

    /**
     * Jain's index over tenants' normalised service, 1 / average slowdown (the share of the speed they would
     * get alone): 1 when every tenant gets the same share, towards 1/n when one tenant gets all of it.
     */
    public double jainFairness() {
        double sum = 0;
        double sq = 0;
        int n = 0;
        for (Metrics.TenantStats t : m.tenants.values()) {
            if (t.finished > 0) {
                double x = t.finished / t.sumSlowdown;
                sum += x;
                sq += x * x;
                n++;
            }
        }
        return n == 0 || sq == 0 ? 1.0 : sum * sum / (n * sq);
    }

    public double gpuAllocationRatio() {
        return capacityMilli == 0 ? 0 : (double) allocatedAtEnd / capacityMilli;
    }

    /** The summary document (field order is stable). */
    public Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("policy", policy);
        s.put("jobs", m.finished + m.unscheduled + m.rejected + unfinished + (long) m.running);
        s.put("finished", m.finished);
        s.put("completed", m.completed);
        s.put("killed", m.killed);
        s.put("rejected", m.rejected);
        s.put("unscheduled", m.unscheduled);
        s.put("unfinished", unfinished);
        s.put("runningAtEnd", m.running);
        s.put("avgJctSeconds", round(avgJctSeconds()));
        s.put("p50JctSeconds", round(percentile(sortedJct, 0.5)));
        s.put("p99JctSeconds", round(percentile(sortedJct, 0.99)));
        s.put("avgQueueSeconds", round(avg(sortedQueue)));
        s.put("p50QueueSeconds", round(percentile(sortedQueue, 0.5)));
        s.put("p99QueueSeconds", round(percentile(sortedQueue, 0.99)));
        s.put("avgSlowdown", round(m.finished == 0 ? 0 : m.slowdownSum / m.finished));
        long first = m.firstSubmit == Long.MAX_VALUE ? 0 : m.firstSubmit;
        s.put("makespanSeconds", round(m.lastEnd == Long.MIN_VALUE ? 0 : (m.lastEnd - first) / 1000.0));
        double lb = 0;
        if (m.firstSubmit != Long.MAX_VALUE && !options.fill()) { // fill: jobs never end, no makespan
            lb = Math.max(capacityMilli == 0 ? 0 : m.workMilliMillis / capacityMilli, m.maxIdealEnd - first) / 1000.0;
        }
        s.put("makespanLowerBoundSeconds", round(lb));
        s.put("utilization", round(utilization()));
        s.put("jainFairness", round(jainFairness()));
        s.put("preemptions", m.preemptions);
        s.put("lostGpuHours", round(m.lostCardMillis / 1000.0 / 3600.0));
        s.put("transferHours", round(m.transferMillis / 3_600_000.0));
        s.put("capacityGpus", capacityMilli / 1000.0);
        if (options.fill()) {
            s.put("gpuAllocationRatio", round(gpuAllocationRatio()));
            s.put("requestedGpuRatio", round(capacityMilli == 0 ? 0 : (double) requestedMilli / capacityMilli));
            s.put("placed", (long) m.started);
        }
        s.put("wallSeconds", round(wallSeconds));
        s.put("events", events);
        s.put("eventsPerSecond", wallSeconds > 0 ? Math.round(events / wallSeconds) : 0);
        s.put("schedulerCycles", cycles);
        s.put("schedulerSeconds", round(schedulerNanos / 1e9));
        Map<String, Object> tenants = new LinkedHashMap<>();
        double total = 0;
        for (Metrics.TenantStats t : m.tenants.values()) {
            total += t.cardMillis;
        }
        for (Map.Entry<String, Metrics.TenantStats> e : m.tenants.entrySet()) {
            Metrics.TenantStats t = e.getValue();
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("jobs", t.jobs);
            x.put("finished", t.finished);
            x.put("rejected", t.rejected);
            x.put("avgJctSeconds", round(t.finished == 0 ? 0 : t.sumJct / t.finished / 1000.0));
            x.put("avgQueueSeconds", round(t.finished == 0 ? 0 : t.sumQueue / t.finished / 1000.0));
            x.put("avgSlowdown", round(t.finished == 0 ? 0 : t.sumSlowdown / t.finished));
            x.put("gpuHours", round(t.cardMillis / 1000.0 / 3600.0));
            x.put("share", round(total == 0 ? 0 : t.cardMillis / total));
            tenants.put(e.getKey(), x);
        }
        s.put("tenants", tenants);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("restartOverheadSeconds", options.restartOverheadMillis() / 1000.0);
        o.put("checkpointIntervalSeconds", options.checkpointIntervalMillis() < 0 ? -1
                : options.checkpointIntervalMillis() / 1000.0);
        o.put("tenantCenters", options.tenantCenters());
        o.put("fill", options.fill());
        o.put("seed", options.seed());
        o.put("tickSeconds", options.tickMillis() / 1000.0);
        s.put("options", o);
        s.putAll(extra);
        return s;
    }

    static double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return 0;
        }
        return Math.round(v * 10000.0) / 10000.0;
    }

    // --- for the report ---

    /** JCT quantiles in seconds (q = 0..points-1 over the sorted distribution). */
    public double[] jctQuantiles(int points) {
        double[] out = new double[sortedJct.length == 0 ? 0 : points];
        for (int i = 0; i < out.length; i++) {
            out[i] = percentile(sortedJct, (i + 1) / (double) points);
        }
        return out;
    }

    public int seriesLength() {
        return m.points;
    }

    public long seriesTime(int i) {
        return m.tsTime[i];
    }

    public double seriesUtilization(int i) {
        return m.tsUtil[i];
    }

    public int seriesPending(int i) {
        return m.tsPending[i];
    }

    public int seriesRunning(int i) {
        return m.tsRunning[i];
    }

    public Map<String, Double> tenantShares() {
        Map<String, Double> out = new LinkedHashMap<>();
        double total = 0;
        for (Metrics.TenantStats t : m.tenants.values()) {
            total += t.cardMillis;
        }
        for (Map.Entry<String, Metrics.TenantStats> e : m.tenants.entrySet()) {
            out.put(e.getKey(), total == 0 ? 0 : e.getValue().cardMillis / total);
        }
        return out;
    }
}
