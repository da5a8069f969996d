package io.computegrid.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Plain HTTP calls on a server process for the high-availability tests. */
final class HaClient {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private HaClient() {
    }

    static HttpResponse<String> send(String url, String method, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static long submit(String base, String token, String json) throws Exception {
        HttpResponse<String> r = send(base + "/api/v1/jobs", "POST", token, json);
        if (r.statusCode() != 201) {
            throw new AssertionError("submit: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).get("id").asLong();
    }

    /** The job's state, or null when the server does not answer (or does not know it). */
    static String state(String base, String token, long id) throws Exception {
        try {
            HttpResponse<String> r = send(base + "/api/v1/jobs/" + id, "GET", token, null);
            return r.statusCode() == 200 ? JSON.readTree(r.body()).get("state").asString() : null;
        } catch (IOException e) {
            return null;
        }
    }

    static String await(String base, String token, long id, Duration timeout, String... states) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String s = null;
        while (System.nanoTime() < deadline) {
            s = state(base, token, id);
            for (String want : states) {
                if (want.equals(s)) {
                    return s;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " is " + s + ", not " + String.join("|", states) + " after " + timeout);
    }

    static JsonNode json(String body) {
        return JSON.readTree(body);
    }
}
