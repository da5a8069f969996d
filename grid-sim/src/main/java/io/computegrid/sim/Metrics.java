package io.computegrid.sim;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Accumulates the figures of one replay as it runs: per-job times, per-tenant totals, the
 * allocated-capacity integral and a down-sampled time series (at most {@link #MAX_POINTS}).
 */
final class Metrics {
    static final int MAX_POINTS = 4000;

    static final class TenantStats {
        long jobs;
        long finished;
        long rejected;
        double sumJct;
        double sumQueue;
        double sumSlowdown;
        double cardMillis;
    }

    final long capacityMilli;
    final Map<String, TenantStats> tenants = new TreeMap<>();
    long lastTime = Long.MIN_VALUE;
    long firstSubmit = Long.MAX_VALUE;
    long lastEnd = Long.MIN_VALUE;
    long allocatedMilli;
    int pending;
    int running;
    double busyMillis;
    double allocatedMilliMillis;
    long[] jct = new long[1024];
    long[] queue = new long[1024];
    int finished;
    int started;
    double slowdownSum;
    long completed;
    long killed;
    long rejected;
    long unscheduled;
    long preemptions;
    double lostCardMillis;
    long transferMillis;
    double workMilliMillis;
    long maxIdealEnd = Long.MIN_VALUE;
    // time series
    long step = 60_000;
    long nextSample = Long.MIN_VALUE;
    int points;
    long[] tsTime = new long[256];
    float[] tsUtil = new float[256];
    int[] tsPending = new int[256];
    int[] tsRunning = new int[256];

    Metrics(long capacityMilli) {
        this.capacityMilli = capacityMilli;
    }

    TenantStats tenant(String t) {
        return tenants.computeIfAbsent(t, k -> new TenantStats());
    }

    /** Moves time forward to {@code now}, integrating the state that held since the last call. */
    void advance(long now) {
        if (lastTime != Long.MIN_VALUE && now > lastTime) {
            long dt = now - lastTime;
            if (pending > 0 || running > 0) {
                busyMillis += dt;
                allocatedMilliMillis += (double) allocatedMilli * dt;
            }
        }
        if (nextSample == Long.MIN_VALUE) {
            nextSample = now;
        }
        while (nextSample < now) {
            sample(nextSample);
            nextSample += step;
        }
        lastTime = now;
    }

    private void sample(long t) {
        if (points == tsTime.length) {
            int n = points * 2;
            tsTime = Arrays.copyOf(tsTime, n);
            tsUtil = Arrays.copyOf(tsUtil, n);
            tsPending = Arrays.copyOf(tsPending, n);
            tsRunning = Arrays.copyOf(tsRunning, n);
        }
        tsTime[points] = t;
        tsUtil[points] = capacityMilli == 0 ? 0f : (float) ((double) allocatedMilli / capacityMilli);
        tsPending[points] = pending;
        tsRunning[points] = running;
        points++;
        if (points > MAX_POINTS) {
            // keep every other point and sample half as often
            int k = 0;
            for (int i = 0; i < points; i += 2) {
                tsTime[k] = tsTime[i];
                tsUtil[k] = tsUtil[i];
                tsPending[k] = tsPending[i];
                tsRunning[k] = tsRunning[i];
                k++;
            }
            points = k;
            step *= 2;
            nextSample = tsTime[k - 1] + step;
            // the caller's loop adds one step after this sample: undo that
            nextSample -= step;
        }
    }

    void accepted(SimJob j, double maxSpeed) {
        firstSubmit = Math.min(firstSubmit, j.submit);
        long ideal = (long) Math.ceil(j.duration / maxSpeed);
        if (j.maxRuntime > 0) {
            ideal = Math.min(ideal, j.maxRuntime);
        }
        workMilliMillis += (double) j.totalMilliCards() * ideal;
        maxIdealEnd = Math.max(maxIdealEnd, j.submit + ideal);
        tenant(j.tenant).jobs++;
    }

    void rejected(SimJob j) {
        rejected++;
        TenantStats t = tenant(j.tenant);
        t.jobs++;
        t.rejected++;
    }

    void finished(SimJob j) {
        if (finished == jct.length) {
            jct = Arrays.copyOf(jct, finished * 2);
            queue = Arrays.copyOf(queue, finished * 2);
        }
        long c = j.end - j.submit;
        long q = j.firstStart - j.submit;
        jct[finished] = c;
        queue[finished] = q;
        finished++;
        long ideal = j.maxRuntime > 0 ? Math.min(j.duration, j.maxRuntime) : j.duration;
        double slowdown = (double) c / Math.max(ideal, 1000);
        slowdownSum += slowdown;
        lastEnd = Math.max(lastEnd, j.end);
        TenantStats t = tenant(j.tenant);
        t.finished++;
        t.sumJct += c;
        t.sumQueue += q;
        t.sumSlowdown += slowdown;
    }

    void segment(String tenant, long milliCards, long from, long to) {
        tenant(tenant).cardMillis += (double) milliCards * (to - from) / 1000.0;
    }
}
