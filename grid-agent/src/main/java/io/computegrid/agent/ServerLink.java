package io.computegrid.agent;

import io.computegrid.agentapi.AgentApi;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The agent's only way to the server: HTTP calls it makes itself (it sits behind NAT). Several server URLs may be
 * given; a call that cannot connect, or that a standby answers with 503, goes to the next one, and a standby that
 * names the active server ({@code "leader"}) is followed there. What the agent hears is said once on stderr when
 * it changes (unreachable, reachable again), not at every retry.
 */
final class ServerLink {
    private static final Pattern URL = Pattern.compile("https?://[A-Za-z0-9.:\\[\\]-]+(?::\\d+)?");
    private final List<URI> servers;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
    private final Consumer<String> say;
    private volatile int current;
    private volatile String credential;
    private volatile long unreachableSince;
    private volatile long lastSaid;

    ServerLink(List<URI> servers, Consumer<String> say) {
        this.servers = new java.util.concurrent.CopyOnWriteArrayList<>(servers);
        this.say = say;
    }

    void credential(String c) {
        this.credential = c;
    }

    URI server() {
        return servers.get(current);
    }

    /** The server cannot be reached (or only standbys answer): worth trying again later. */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message);
        }
    }

    /** The server answered with a refusal (4xx): {@code status} and its one-line reason. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    <T> T post(String path, Object body, Class<T> type, Duration timeout) throws Unreachable, Refused {
        return post(path, body, type, timeout, credential);
    }

    <T> T post(String path, Object body, Class<T> type, Duration timeout, String bearer) throws Unreachable, Refused {
        byte[] json = AgentApi.JSON.writeValueAsBytes(body);
        byte[] reply = send(path, json, "application/json", timeout, bearer);
        return AgentApi.JSON.readValue(reply, type);
    }

    <T> T postBytes(String pathAndQuery, byte[] data, Class<T> type, Duration timeout) throws Unreachable, Refused {
        return AgentApi.JSON.readValue(send(pathAndQuery, data, "application/octet-stream", timeout, credential), type);
    }

    private byte[] send(String path, byte[] body, String contentType, Duration timeout, String bearer)
            throws Unreachable, Refused {
        java.util.Map<URI, String> failures = new java.util.LinkedHashMap<>(); // each server's last word
        for (int tries = 0; tries <= servers.size(); tries++) {
            URI base = servers.get(current);
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                    .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (bearer != null) {
                b.header("Authorization", "Bearer " + bearer);
            }
            HttpResponse<byte[]> r;
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                failures.put(base, describe(e));
                next();
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unreachable("interrupted");
            }
            if (r.statusCode() == 503) { // a standby (or a server still starting): go where it points, or on
                failures.put(base, detail(r.body()) + " (503)");
                follow(r.body());
                continue;
            }
            if (r.statusCode() >= 500) {
                failures.put(base, detail(r.body()) + " (" + r.statusCode() + ")");
                next();
                continue;
            }
            reachable(base);
            if (r.statusCode() >= 400) {
                throw new Refused(r.statusCode(), detail(r.body()));
            }
            return r.body();
        }
        String why = failures.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                .collect(java.util.stream.Collectors.joining("; "));
        unreachable(why);
        throw new Unreachable(why);
    }

    private synchronized void next() {
        current = (current + 1) % servers.size();
    }

    /** A standby names the leader in {@code leader} (or in its detail): use it, adding it when it is new. */
    private synchronized void follow(byte[] body) {
        String leader = null;
        try {
            JsonNode n = AgentApi.JSON.readTree(body);
            if (n != null && n.hasNonNull("leader")) {
                leader = n.get("leader").asString();
            } else if (n != null && n.hasNonNull("detail")) {
                Matcher m = URL.matcher(n.get("detail").asString());
                leader = m.find() ? m.group() : null;
            }
        } catch (RuntimeException e) {
            // not JSON: no hint
        }
        if (leader != null && URL.matcher(leader).matches()) {
            URI u = URI.create(leader);
            int i = servers.indexOf(u);
            if (i < 0) {
                servers.add(u);
                i = servers.size() - 1;
            }
            if (i != current) {
                current = i;
                return;
            }
        }
        next();
    }

    private void reachable(URI base) {
        if (unreachableSince != 0) {
            say.accept("reached " + base + " again after " + (System.currentTimeMillis() - unreachableSince) / 1000
                    + "s");
            unreachableSince = 0;
        }
    }

    private void unreachable(String why) {
        long now = System.currentTimeMillis();
        if (unreachableSince == 0) {
            unreachableSince = now;
            lastSaid = now;
            say.accept("cannot reach the server (" + why + "); tasks keep running, retrying");
        } else if (now - lastSaid >= 30_000) {
            lastSaid = now;
            say.accept("still cannot reach the server after " + (now - unreachableSince) / 1000 + "s (" + why
                    + "); retrying");
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    private static String detail(byte[] body) {
        try {
            JsonNode n = AgentApi.JSON.readTree(body);
            if (n != null && n.hasNonNull("detail")) {
                return n.get("detail").asString();
            }
        } catch (RuntimeException e) {
            // not problem+json
        }
        String s = new String(body, StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? "no detail" : s.lines().findFirst().orElse("").substring(0, Math.min(200,
                s.lines().findFirst().orElse("").length()));
    }
}
