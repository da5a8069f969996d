package io.computegrid.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.server.api.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/** A real server (embedded PostgreSQL, random port, temporary data dir) and an HTTP client for tests. */
public final class TestServer implements AutoCloseable {
    public final Path data;
    public GridServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path config;

    public TestServer(Path data, Path config) throws IOException {
        this.data = data;
        this.config = config;
        start();
    }

    public TestServer(Path data) throws IOException {
        this(data, null);
    }

    public void start() throws IOException {
        server = new GridServer(new ServerOptions("127.0.0.1", 0, data, null, null, null, config == null, config, null)).start();
    }

    public void restart() throws IOException {
        server.close();
        start();
    }

    public String adminToken() throws IOException {
        return Files.readString(data.resolve("admin.token")).trim();
    }

    public String memberToken(String tenant) throws IOException {
        return Files.readString(data.resolve("demo-tokens").resolve(tenant + ".token")).trim();
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    public record Res(int status, String contentType, String body) {
        public JsonNode json() {
            return Json.MAPPER.readTree(body);
        }
    }

    public Res call(String method, String path, String token, String body) {
        return call(method, path, token, body, "application/json");
    }

    public Res call(String method, String path, String token, String body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Res(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    /** A request with extra headers; the whole response (status, headers, body). */
    public HttpResponse<String> send(String method, String path, String token, String body,
                                     java.util.Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", body.stripLeading().startsWith("{") ? "application/json" : "application/yaml");
        }
        headers.forEach(b::header);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    public long submit(String token, String spec) {
        Res r = call("POST", "/api/v1/jobs", token, spec, "application/yaml");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    public JsonNode job(String token, long id) {
        Res r = call("GET", "/api/v1/jobs/" + id, token, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** Polls until the job is in one of the states, or fails after the timeout. */
    public JsonNode await(String token, long id, Duration timeout, String... states) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode j = null;
        while (System.nanoTime() < deadline) {
            j = job(token, id);
            for (String s : states) {
                if (s.equals(j.get("state").asString())) {
                    return j;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " did not reach " + String.join("|", states) + " within " + timeout
                + "; last: " + j);
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }

    public static String spec(String name, String tenant, int tasks, String model, int count, String command,
                              String extra) {
        return "name: " + name + "\n" + (tenant == null ? "" : "tenant: " + tenant + "\n") + "tasks: " + tasks + "\n"
                + "resources:\n  accelerator: " + model + "\n  count: " + count + "\n  cpu: 1\n  memory: 256Mi\n"
                + "command: " + command + "\n" + (extra == null ? "" : extra);
    }
}
