package io.computegrid.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for the grid API that turns every failure into a one-line {@link CliException}. */
public final class ApiClient {
    public static final ObjectMapper JSON = JsonMapper.builder().build();
    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ApiClient(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
        try {
            URI u = URI.create(this.base);
            if (u.getScheme() == null || u.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new CliException("--url: '" + base + "' is not a URL such as http://localhost:8080", 2);
        }
    }

    public String base() {
        return base;
    }

    public JsonNode get(String path) {
        return json(send(request(path).GET(), path));
    }

    public JsonNode post(String path, Object body) {
        return json(send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))), path));
    }

    public JsonNode put(String path, Object body) {
        return json(send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))), path));
    }

    public JsonNode delete(String path) {
        return json(send(request(path).DELETE(), path));
    }

    /** Puts a document as it is (YAML or JSON); the server validates it. */
    public JsonNode putRaw(String path, String text, String contentType) {
        return json(send(request(path).header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofString(text)), path));
    }

    /** Posts a document as it is (YAML or JSON); the server validates it. */
    public JsonNode postRaw(String path, String text, String contentType) {
        return json(send(request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(text)), path));
    }

    /**
     * Posts a document with an {@code Idempotency-Key}, retrying with the same key while the server cannot be
     * reached or answers 503 (a failover in progress), for at most {@code retryFor}: a retry returns the job the
     * first attempt may already have created, never a second one.
     */
    public JsonNode postIdempotent(String path, String text, String contentType, String key, Duration retryFor) {
        long deadline = System.nanoTime() + retryFor.toNanos();
        long pause = 250;
        while (true) {
            HttpRequest.Builder b = request(path).header("Content-Type", contentType).header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(text));
            String retryWhy;
            try {
                HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 503) {
                    if (r.statusCode() >= 400) {
                        throw failure(r.statusCode(), r.body());
                    }
                    return json(r.body());
                }
                retryWhy = "the server is not serving (503)";
            } catch (IOException e) {
                retryWhy = unreachable(e).getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted");
            }
            if (System.nanoTime() + pause * 1_000_000 - deadline > 0) {
                throw new CliException(retryWhy + "; gave up after " + retryFor.toSeconds() + " s (retry with "
                        + "--idempotency-key " + key + " to get the same job if it was created)");
            }
            System.err.println("submit: " + retryWhy + "; retrying with Idempotency-Key " + key);
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted");
            }
            pause = Math.min(2_000, pause * 2);
        }
    }

    public String getText(String path) {
        return new String(send(request(path).GET(), path), StandardCharsets.UTF_8);
    }

    /** Streams a text response (for log following) to stdout as it arrives. */
    public void stream(String path) {
        try {
            HttpResponse<InputStream> r = http.send(request(path).timeout(Duration.ofDays(365)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() >= 400) {
                throw failure(r.statusCode(), r.body().readAllBytes());
            }
            try (InputStream in = r.body()) {
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) > 0) {
                    System.out.write(buf, 0, n);
                    System.out.flush();
                }
            }
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        } catch (IllegalArgumentException e) {
            throw new CliException("bad request path " + path, 2);
        }
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token.trim());
        }
        return b;
    }

    private byte[] send(HttpRequest.Builder b, String path) {
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() >= 400) {
                throw failure(r.statusCode(), r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private CliException unreachable(IOException e) {
        String why = e instanceof ConnectException || e instanceof HttpConnectTimeoutException
                ? "connection refused or timed out" : e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new CliException("cannot reach the server at " + base + " (" + why + "); is `grid server` running?"
                + " Set --url or GRID_URL.");
    }

    private CliException failure(int status, byte[] body) {
        String detail = null;
        try {
            JsonNode p = JSON.readTree(body);
            if (p != null && p.has("detail")) {
                detail = p.get("detail").asString();
            }
        } catch (RuntimeException ignored) {
            // not problem+json: fall through to the raw text
        }
        if (detail == null) {
            detail = new String(body, StandardCharsets.UTF_8).lines().findFirst().orElse("");
        }
        if (status == 401) {
            return new CliException("the server refused the token (401): " + detail
                    + (token == null ? " (set --token or GRID_TOKEN)" : ""));
        }
        return new CliException(detail + " (HTTP " + status + ")");
    }

    private static JsonNode json(byte[] body) {
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        return JSON.readTree(body);
    }

    /** One path segment, percent-encoded (a space is %20 in a path, not +). */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public static String query(Map<String, String> params) {
        StringJoiner j = new StringJoiner("&", "?", "");
        j.setEmptyValue("");
        params.forEach((k, v) -> {
            if (v != null) {
                j.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return j.toString();
    }
}
