package io.computegrid.server.serving;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Readiness probes: GET on a replica's endpoint + readiness.path; ready when it answers 2xx within the timeout. */
final class ReplicaProber implements AutoCloseable {
    private final ExecutorService io = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "grid-probe");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).executor(io).build();

    /** Completes with true for a 2xx answer, false for anything else (never exceptionally). */
    CompletableFuture<Boolean> probe(URI base, String path, Duration timeout) {
        HttpRequest req;
        try {
            req = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET()
                    .header("User-Agent", "computegrid-readiness").build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(false);
        }
        return client.sendAsync(req, HttpResponse.BodyHandlers.discarding())
                .handle((r, err) -> err == null && r.statusCode() / 100 == 2);
    }

    @Override
    public void close() {
        io.shutdownNow();
    }
}
