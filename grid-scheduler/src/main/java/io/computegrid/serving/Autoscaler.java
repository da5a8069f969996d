package io.computegrid.serving;

import io.computegrid.model.ServiceSpec;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Locale;

/**
 * Concurrency autoscaling in the manner of Knative's KPA, for one service. Pure: the caller feeds samples of the
 * average in-flight requests (including requests held while no replica is ready) with the time they end, and
 * asks for a decision; no clock of its own, no I/O.
 * <ul>
 * <li>desired = ceil(average in-flight / targetInFlight), within [min, max];</li>
 * <li>panic when the panic-window average reaches panicThreshold x current capacity (ready replicas, at least
 * one, x targetInFlight): then follow the larger of both windows up and never scale down; leave panic after a
 * whole stable window without a trigger;</li>
 * <li>out of panic, the stable window alone decides, so scaling down is slow and scaling up from a burst fast;
 * a scale-down goes only as far as leaves each replica at most 90% of the target (no flapping at a boundary);</li>
 * <li>with min 0, scale to zero after scaleToZeroAfter without a request in flight; until then keep one (a
 * service at zero stays there until a request comes).</li>
 * </ul>
 */
public final class Autoscaler {
    private static final double EPSILON = 1e-9;
    /**
     * Scaling down leaves each remaining replica at most this share of the target: without it a stable average
     * hovering at a replica boundary (3.99 / 4.01 in flight for target 4) added and removed a replica within
     * two seconds, again and again (Kubernetes' HPA keeps a 10% tolerance for the same reason).
     */
    static final double SCALE_DOWN_HEADROOM = 0.9;

    private record Sample(long end, long length, double value) {
    }

    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private ServiceSpec.Autoscaling settings;
    private ServiceSpec.Replicas bounds;
    private long lastActive;
    private long lastTrigger = Long.MIN_VALUE;
    private boolean panic;
    private int panicMax;
    private int lastDesired;

    /**
     * @param now     when the service (or this server's view of it) began: it counts as activity, so a new service
     *                keeps its replicas for scaleToZeroAfter before it may go to zero
     * @param current the replicas the service has now (its stored desired count)
     */
    public Autoscaler(ServiceSpec.Autoscaling settings, ServiceSpec.Replicas bounds, long now, int current) {
        this.settings = settings;
        this.bounds = bounds;
        this.lastActive = now;
        this.lastDesired = current;
    }

    /** New settings (a PUT): the samples and the mode carry over. */
    public void update(ServiceSpec.Autoscaling s, ServiceSpec.Replicas b) {
        this.settings = s;
        this.bounds = b;
    }

    /** The average in-flight requests over {@code lengthMillis} ending at {@code end}. */
    public void record(long end, long lengthMillis, double inFlight) {
        if (lengthMillis <= 0 || !(inFlight >= 0)) {
            throw new IllegalArgumentException("a sample needs a positive length and a non-negative value");
        }
        samples.addLast(new Sample(end, lengthMillis, inFlight));
        if (inFlight > 0) {
            lastActive = Math.max(lastActive, end);
        }
        long horizon = end - settings.stableWindow().toMillis();
        while (!samples.isEmpty() && samples.peekFirst().end() <= horizon) {
            samples.removeFirst();
        }
    }

    /** Marks a request as seen now (a request held at zero replicas wakes the autoscaler before the next sample). */
    public void activity(long now) {
        lastActive = Math.max(lastActive, now);
    }

    /** Time-weighted average of the samples that end inside the window. */
    double average(long now, long window) {
        double sum = 0;
        long length = 0;
        for (Iterator<Sample> it = samples.descendingIterator(); it.hasNext(); ) {
            Sample s = it.next();
            if (s.end() <= now - window) {
                break;
            }
            sum += s.value() * s.length();
            length += s.length();
        }
        return length == 0 ? 0 : sum / length;
    }

    /** The decision at {@code now}, given how many replicas are ready to take requests. */
    public Decision decide(long now, int ready) {
        double target = settings.targetInFlight();
        long stableWindow = settings.stableWindow().toMillis();
        double stable = average(now, stableWindow);
        double burst = average(now, settings.panicWindow().toMillis());
        int wantStable = replicasFor(stable, target);
        int wantPanic = replicasFor(burst, target);
        double capacity = Math.max(1, ready) * target;
        boolean trigger = burst > 0 && burst >= settings.panicThreshold() * capacity - EPSILON;
        String why;
        if (trigger) {
            lastTrigger = now;
            if (!panic) {
                panic = true;
                panicMax = lastDesired;
            }
        } else if (panic && now - lastTrigger >= stableWindow) {
            panic = false;
        }
        int desired;
        if (panic) {
            desired = Math.max(Math.max(wantPanic, wantStable), panicMax);
            why = String.format(Locale.ROOT, "panic: %s-window average %.2f in flight %s %.1f x capacity %.1f "
                            + "(%d ready x target %s); never scaling down until %s without a burst",
                    seconds(settings.panicWindow().toMillis()), burst, trigger ? ">=" : "was >=",
                    settings.panicThreshold(), capacity, ready, num(target), seconds(stableWindow));
        } else {
            desired = wantStable;
            why = String.format(Locale.ROOT, "stable: %s-window average %.2f in flight / target %s",
                    seconds(stableWindow), stable, num(target));
            int withHeadroom = replicasFor(stable, target * SCALE_DOWN_HEADROOM);
            if (wantStable < lastDesired && withHeadroom > wantStable) {
                desired = Math.min(lastDesired, withHeadroom);
                why += String.format(Locale.ROOT, "; down only to %d: a scale-down keeps each replica at or below "
                        + "%.0f%% of the target", desired, SCALE_DOWN_HEADROOM * 100);
            }
        }
        if (desired > bounds.max()) {
            desired = bounds.max();
            why += "; capped at max " + bounds.max();
        }
        if (desired < bounds.min()) {
            desired = bounds.min();
            why += "; raised to min " + bounds.min();
        }
        if (desired == 0 && !panic) {
            // going down to zero only after the idle period; a service at zero stays there until a request comes
            long idle = now - lastActive;
            if (lastDesired > 0 && idle < settings.scaleToZeroAfter().toMillis()) {
                desired = 1;
                why += "; one kept warm: idle " + seconds(idle) + " < scaleToZeroAfter "
                        + seconds(settings.scaleToZeroAfter().toMillis());
            } else {
                why += "; scaled to zero: idle " + seconds(idle);
            }
        }
        if (panic) {
            panicMax = Math.max(panicMax, desired);
        }
        lastDesired = desired;
        return new Decision(desired, panic ? Decision.Mode.PANIC : Decision.Mode.STABLE, stable, burst, why);
    }

    private static int replicasFor(double inFlight, double target) {
        return inFlight <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.ceil(inFlight / target - EPSILON));
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
