package io.computegrid.server.gateway;

import io.computegrid.serving.LeastOutstanding;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The gateway's state for one live service: its ready replicas, the requests held while none is ready (bounded
 * in count and bytes), the in-flight meter the autoscaler samples, and the limits from the spec. The service
 * controller publishes the ready set; the gateway reads it without locks.
 */
public final class ServiceRoute {
    /** Held bytes per service at most, whatever maxBufferedRequests x maxRequestBody would allow. */
    static final long MAX_HELD_BYTES = 64L << 20;

    /** The spec's gateway fields. */
    public record Limits(Duration requestTimeout, Duration coldStartTimeout, int maxBuffered, long maxRequestBytes,
                         boolean isPublic) {
    }

    final long serviceId;
    final String tenant;
    final String name;
    final ConcurrencyMeter meter = new ConcurrencyMeter();
    private final Runnable activate;
    private volatile Limits limits;
    private volatile List<Upstream> ready = List.of();
    private final ArrayDeque<Exchange> held = new ArrayDeque<>();
    private long heldBytes;
    private boolean closed;

    /** @param activate wakes the controller when a request arrives and no replica is ready */
    public ServiceRoute(long serviceId, String tenant, String name, Limits limits, Runnable activate) {
        this.serviceId = serviceId;
        this.tenant = tenant;
        this.name = name;
        this.limits = limits;
        this.activate = activate;
    }

    public long serviceId() {
        return serviceId;
    }

    public Limits limits() {
        return limits;
    }

    public void limits(Limits l) {
        this.limits = l;
    }

    public ConcurrencyMeter meter() {
        return meter;
    }

    public List<Upstream> ready() {
        return ready;
    }

    public synchronized int heldCount() {
        return held.size();
    }

    void activate() {
        activate.run();
    }

    /** A ready replica with the fewest outstanding requests, skipping {@code tried}; null when none is left. */
    Upstream pick(Collection<Upstream> tried, RandomGenerator random) {
        List<Upstream> r = ready;
        List<Upstream> left = tried.isEmpty() ? r : new ArrayList<>(r);
        if (!tried.isEmpty()) {
            left.removeAll(tried);
        }
        int[] out = new int[left.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = left.get(i).outstanding.get();
        }
        int i = LeastOutstanding.pick(out, random);
        return i < 0 ? null : left.get(i);
    }

    /** Holds a request while no replica is ready; false when over the bounds (or the service went away). */
    synchronized boolean hold(Exchange e) {
        if (closed || held.size() >= limits.maxBuffered() || heldBytes + e.request.body().length > MAX_HELD_BYTES) {
            return false;
        }
        held.addLast(e);
        heldBytes += e.request.body().length;
        return true;
    }

    /** Removes a held request (its cold-start timeout); false when it was already dispatched. */
    synchronized boolean release(Exchange e) {
        if (held.remove(e)) {
            heldBytes -= e.request.body().length;
            return true;
        }
        return false;
    }

    /** Sets the ready replicas and returns the held requests to send now, oldest first. */
    synchronized List<Exchange> publish(List<Upstream> upstreams) {
        ready = List.copyOf(upstreams);
        if (ready.isEmpty() || held.isEmpty()) {
            return List.of();
        }
        List<Exchange> out = new ArrayList<>(held);
        held.clear();
        heldBytes = 0;
        return out;
    }

    /** The service is gone: no more holding; returns what was held, to answer. */
    synchronized List<Exchange> close() {
        closed = true;
        ready = List.of();
        List<Exchange> out = new ArrayList<>(held);
        held.clear();
        heldBytes = 0;
        return out;
    }
}
