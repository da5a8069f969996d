package io.computegrid.server.gateway;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends one exchange to a replica with the JDK's HTTP client (HTTP/1.1, pooled connections, asynchronous: no
 * thread waits for a replica to answer) and streams the answer back. A request that could not be sent (connection
 * refused or timed out) goes to another ready replica; one that was sent is never sent twice.
 */
final class Forwarder implements AutoCloseable {
    /** Answers an exchange with a problem of the gateway's own. */
    interface Problems {
        void respond(Exchange e, int status, String title, String detail);
    }

    private final ExecutorService io = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "grid-gateway-io");
        t.setDaemon(true);
        return t;
    });
    /** Runs on the calling thread when that is already a gateway thread: one hand-off less per request. */
    private final java.util.concurrent.Executor onIo = r -> {
        if (Thread.currentThread().getName().startsWith("grid-gateway-io")) {
            r.run();
        } else {
            io.execute(r);
        }
    };
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).executor(io).build();
    private final Problems problems;
    private final java.util.function.BooleanSupplier closed;

    Forwarder(Problems problems, java.util.function.BooleanSupplier closed) {
        this.problems = problems;
        this.closed = closed;
    }

    /** To the ready replica with the fewest outstanding requests that this exchange has not tried yet. */
    void send(Exchange ex) {
        Upstream u = ex.route.pick(ex.tried, ThreadLocalRandom.current());
        if (u == null) {
            problems.respond(ex, 502, "Bad Gateway", ex.tried.isEmpty()
                    ? "no replica of " + ex.route.tenant + "/" + ex.route.name + " is ready"
                    : "no replica of " + ex.route.tenant + "/" + ex.route.name + " could be reached (tried jobs "
                    + ex.tried.stream().map(x -> Long.toString(x.jobId)).toList() + ")");
            return;
        }
        ex.tried.add(u);
        HttpRequest request;
        try {
            request = build(u, ex);
        } catch (IllegalArgumentException e) {
            problems.respond(ex, 400, "Bad Request", "cannot forward this request: " + e.getMessage());
            return;
        }
        u.outstanding.incrementAndGet();
        client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).whenCompleteAsync((resp, err) -> {
            if (err == null) {
                stream(ex, u, resp);
                return;
            }
            u.outstanding.decrementAndGet();
            Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            if (c instanceof ConnectException || c instanceof HttpConnectTimeoutException) {
                u.unreachable();
                send(ex); // never reached the replica: safe to try another
            } else if (c instanceof HttpTimeoutException) {
                problems.respond(ex, 504, "Gateway Timeout", "replica job " + u.jobId + " did not answer within the "
                        + "request timeout (" + ex.route.limits().requestTimeout().toMillis() + " ms)");
            } else {
                problems.respond(ex, 502, "Bad Gateway", "replica job " + u.jobId + " failed to answer: "
                        + c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage()));
            }
        }, onIo);
    }

    private static HttpRequest build(Upstream u, Exchange ex) {
        Exchange.Request r = ex.request;
        HttpRequest.Builder b = HttpRequest.newBuilder(u.base.resolve(r.pathAndQuery()))
                .timeout(ex.route.limits().requestTimeout())
                .method(r.method(), r.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(r.body()));
        for (Map.Entry<String, List<String>> h : r.headers().entrySet()) {
            for (String v : h.getValue()) {
                try {
                    b.header(h.getKey(), v);
                } catch (IllegalArgumentException restricted) {
                    // a header the JDK client sets itself (Date, Via, ...): it sends its own
                }
            }
        }
        return b.build();
    }

    /** Status, headers and the body as it arrives; the replica is named in X-Grid-Replica. */
    private void stream(Exchange ex, Upstream u, HttpResponse<InputStream> resp) {
        try (InputStream in = resp.body()) {
            HttpServletResponse res = ex.ctx.res();
            res.setStatus(resp.statusCode());
            Requests.responseHeaders(resp.headers().map()).forEach((k, vs) -> vs.forEach(v -> res.addHeader(k, v)));
            res.setHeader("X-Grid-Replica", Long.toString(u.jobId));
            OutputStream out = res.getOutputStream();
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                if (in.available() == 0) {
                    out.flush(); // streamed answers (tokens, server-sent events) go out as they come
                }
            }
            out.flush();
        } catch (IOException e) {
            // the caller went away or the replica broke off mid-answer; the status is already sent
        } finally {
            u.outstanding.decrementAndGet();
            ex.finish(!closed.getAsBoolean()); // after shutdown the HTTP server is gone: nothing to finish
        }
    }

    @Override
    public void close() {
        io.shutdownNow();
    }
}
