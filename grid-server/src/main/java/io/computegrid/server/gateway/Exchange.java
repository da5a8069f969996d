package io.computegrid.server.gateway;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/** One request through the gateway: what the caller sent, where it was tried, and the future Javalin waits on. */
final class Exchange {
    /** The caller's request, already filtered: no hop-by-hop headers, no Authorization, X-Forwarded-* added. */
    record Request(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body) {
    }

    final Context ctx;
    final Request request;
    final ServiceRoute route;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final List<Upstream> tried = new ArrayList<>();
    final long arrivedNanos = System.nanoTime();
    volatile ScheduledFuture<?> coldStart;
    private final java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();

    Exchange(Context ctx, Request request, ServiceRoute route) {
        this.ctx = ctx;
        this.request = request;
        this.route = route;
    }

    boolean finished() {
        return finished.get();
    }

    /**
     * The request leaves the in-flight count (before the caller can see the answer, so the count never lags it),
     * then Javalin finishes it; {@code answer} false after shutdown, when there is no HTTP server to finish it.
     */
    void finish(boolean answer) {
        if (finished.compareAndSet(false, true)) {
            route.meter.end();
            if (answer && requestAlive()) {
                done.complete(null);
            }
        }
    }

    /** See {@link io.computegrid.server.api.AsyncAnswers}: never complete a future of a recycled request. */
    boolean requestAlive() {
        return io.computegrid.server.api.AsyncAnswers.alive(ctx);
    }
}
