package io.computegrid.server.gateway;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One ready replica as the gateway sees it: where it listens and how many requests it has outstanding.
 * {@code unreachable} tells the service controller that a request could not be sent to it (a passive health
 * check: it leaves routing at once and is probed again).
 */
public final class Upstream {
    final long jobId;
    final URI base;
    final AtomicInteger outstanding = new AtomicInteger();
    private final Runnable unreachable;

    public Upstream(long jobId, String hostPort, Runnable unreachable) {
        this.jobId = jobId;
        this.base = URI.create("http://" + hostPort);
        this.unreachable = unreachable;
    }

    public long jobId() {
        return jobId;
    }

    public int outstanding() {
        return outstanding.get();
    }

    void unreachable() {
        unreachable.run();
    }
}
