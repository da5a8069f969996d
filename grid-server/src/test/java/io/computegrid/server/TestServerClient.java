package io.computegrid.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.server.api.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A minimal client for a server started by the test itself. */
final class TestServerClient {
    private final int port;
    private final String token;
    private final HttpClient http = HttpClient.newHttpClient();

    TestServerClient(int port, String token) {
        this.port = port;
        this.token = token;
    }

    long submit(String yaml) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/jobs"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Json.MAPPER.readTree(r.body()).get("id").asLong();
    }

    String state(long id) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/jobs/" + id))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body()).get("state").asString();
    }

    void await(long id, Duration timeout, String state) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = state(id);
            if (last.equals(state)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " is " + last + ", not " + state);
    }
}
