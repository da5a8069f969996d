package io.computegrid.cli.serving;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A demo inference replica on the JDK's own HTTP server (starts in well under a second): {@code /healthz},
 * {@code /v1/completions} (echoes the prompt after a simulated inference latency), {@code /echo} (the request
 * body back) and {@code /v1/stream} (chunks as they are "generated"), so the gateway, the autoscaler and the
 * benchmarks have a real process to talk to. It loads no JSON or YAML library (MiniJson), so it is ready quickly.
 */
public final class ModelServer implements AutoCloseable {
    /** How the replica behaves: simulated latency per request (plus uniform jitter), and a warm-up before ready. */
    public record Options(String host, int port, Duration latency, Duration jitter, Duration warmup, String model) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "model-server");
        t.setDaemon(true);
        return t;
    });
    private final Options options;
    private final long readyAt;
    private final AtomicLong served = new AtomicLong();
    private final String replica = System.getenv().getOrDefault("GRID_JOB_ID", "local");

    public ModelServer(Options o) throws IOException {
        this.options = o;
        this.server = HttpServer.create(new InetSocketAddress(o.host(), o.port()), 1024);
        this.readyAt = System.nanoTime() + o.warmup().toNanos();
        server.setExecutor(threads);
        server.createContext("/healthz", this::health);
        server.createContext("/v1/completions", this::completion);
        server.createContext("/v1/stream", this::stream);
        server.createContext("/echo", this::echo);
        server.createContext("/", ex -> send(ex, 404, "{\"error\":" + MiniJson.quote("no such endpoint: "
                + ex.getRequestURI().getPath()) + "}"));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public long served() {
        return served.get();
    }

    private void health(HttpExchange ex) throws IOException {
        boolean ready = System.nanoTime() >= readyAt;
        send(ex, ready ? 200 : 503, ready ? "{\"status\":\"ok\"}" : "{\"status\":\"warming up\"}");
    }

    private void completion(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        String prompt = "";
        if (body.length > 0) {
            prompt = MiniJson.stringField(new String(body, StandardCharsets.UTF_8), "prompt");
            if (prompt == null) {
                send(ex, 400, "{\"error\":\"the body must be a JSON object such as {\\\"prompt\\\": \\\"hi\\\"}\"}");
                return;
            }
        }
        infer();
        long n = served.incrementAndGet();
        send(ex, 200, "{\"id\":" + MiniJson.quote("cmpl-" + replica + "-" + n) + ",\"object\":\"text_completion\","
                + "\"model\":" + MiniJson.quote(options.model()) + ",\"replica\":" + MiniJson.quote(replica)
                + ",\"choices\":[{\"index\":0,\"text\":" + MiniJson.quote("echo: " + prompt)
                + ",\"finish_reason\":\"stop\"}]}");
    }

    private void echo(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        infer();
        served.incrementAndGet();
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        ex.getResponseHeaders().set("X-Echo-Method", ex.getRequestMethod());
        ex.getResponseHeaders().set("X-Echo-Authorization", String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        ex.getResponseHeaders().set("X-Echo-Forwarded-For", String.valueOf(ex.getRequestHeaders().getFirst("X-Forwarded-For")));
        ex.getResponseHeaders().set("X-Echo-Path", ex.getRequestURI().toString());
        ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
        }
    }

    /** {@code ?n=5}: five chunks, one per simulated latency, flushed as each is ready. */
    private void stream(HttpExchange ex) throws IOException {
        String q = ex.getRequestURI().getQuery();
        int n = 5;
        if (q != null && q.startsWith("n=")) {
            try {
                n = Math.max(1, Math.min(1000, Integer.parseInt(q.substring(2))));
            } catch (NumberFormatException ignored) {
                // keep the default
            }
        }
        served.incrementAndGet();
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream o = ex.getResponseBody()) {
            for (int i = 0; i < n; i++) {
                infer();
                o.write(("data: {\"token\": " + i + "}\n\n").getBytes(StandardCharsets.UTF_8));
                o.flush();
            }
        }
    }

    private void infer() {
        long ms = options.latency().toMillis();
        long jitter = options.jitter().toMillis();
        if (jitter > 0) {
            ms += ThreadLocalRandom.current().nextLong(jitter + 1);
        }
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
