package io.computegrid.cli.serving;

import io.computegrid.cli.ApiClient;
import io.computegrid.server.GridServer;
import io.computegrid.server.ServerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * A throwaway server for benchmarks (and tests): embedded PostgreSQL in a temporary directory, a given federation,
 * a random loopback port; removed on close. Services are created over its real HTTP API.
 */
public final class ScratchServer implements AutoCloseable {
    private final Path dir;
    private final Path config;
    private GridServer server;
    private ApiClient admin;

    public ScratchServer(String federationYaml) throws IOException {
        this(Files.createTempDirectory("grid-scratch-"), federationYaml);
    }

    public ScratchServer(Path dir, String federationYaml) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        this.config = dir.resolve("federation.yaml");
        Files.writeString(config, federationYaml);
        start(0);
    }

    private void start(int port) throws IOException {
        this.server = new GridServer(new ServerOptions("127.0.0.1", port, dir.resolve("data"), null, null, null, false,
                config, null)).start();
        this.admin = new ApiClient(url(), Files.readString(dir.resolve("data").resolve("admin.token")).trim());
    }

    /** Stops the server and starts it again on the same data and port (tasks of the old one are lost and requeued). */
    public void restart() throws IOException {
        int port = server.port();
        server.close();
        start(port);
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    public ApiClient admin() {
        return admin;
    }

    public GridServer server() {
        return server;
    }

    /** A member token of {@code tenant}. */
    public String memberToken(String tenant) {
        return admin.post("/api/v1/tokens", Map.of("tenant", tenant, "role", "member")).get("token").asString();
    }

    /** Creates a service from a spec map (sent as JSON); returns its view. */
    public JsonNode createService(ApiClient as, Map<String, Object> spec) {
        return as.post("/api/v1/services", spec);
    }

    public JsonNode service(long id) {
        return admin.get("/api/v1/services/" + id);
    }

    public List<JsonNode> events(long id) {
        List<JsonNode> out = new java.util.ArrayList<>();
        admin.get("/api/v1/services/" + id + "/events?limit=500").get("items").forEach(out::add);
        return out;
    }

    /** Polls the service view until {@code until} holds. */
    public JsonNode await(long id, Duration timeout, Predicate<JsonNode> until) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode v = null;
        while (System.nanoTime() < deadline) {
            v = service(id);
            if (until.test(v)) {
                return v;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("service " + id + " did not get there within " + timeout.toSeconds()
                + " s; last: " + (v == null ? "-" : v.toString()));
    }

    @Override
    public void close() {
        server.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory: the OS cleans it eventually
        }
    }
}
