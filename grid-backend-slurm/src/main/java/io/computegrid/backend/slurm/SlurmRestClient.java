package io.computegrid.backend.slurm;

import io.computegrid.backend.BackendException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * slurmrestd over HTTP with JWT auth. Turns every failure into a {@link BackendException} with a message an
 * operator can act on; {@code retryable} when the cluster may answer later (down, overloaded), not when the
 * request or the credentials are wrong.
 */
final class SlurmRestClient {
    static final JsonMapper JSON = JsonMapper.builder().build();
    /** An opaque HTTP 500 faster than this is slurmctld refusing the token; slower is slurmctld not answering. */
    static final long AUTH_REPLY_MILLIS = 4000;
    private final SlurmSettings settings;
    private final String center;
    private final HttpClient http;
    private final Clock clock;
    private byte[] key;
    private String token;
    private long tokenExpires;

    SlurmRestClient(String center, SlurmSettings settings, Clock clock) {
        this.center = center;
        this.settings = settings;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).version(HttpClient.Version.HTTP_1_1).build();
    }

    JsonNode get(String path) throws BackendException {
        return send("GET", path, null);
    }

    JsonNode post(String path, JsonNode body) throws BackendException {
        return send("POST", path, body);
    }

    JsonNode delete(String path) throws BackendException {
        return send("DELETE", path, null);
    }

    /** Fields of a job the backend reads; the rest of slurmrestd's ~120 per job are skipped while parsing. */
    private static final Set<String> JOB_FIELDS = Set.of("job_id", "name", "job_state", "state_reason", "restart_cnt",
            "batch_host", "nodes", "exit_code", "comment", "current_working_directory", "gres_detail", "tres_per_node", "partition");

    /**
     * {@code GET /jobs}, slimmed while streaming: a busy cluster's reply is megabytes (about 3.6 KB per job), and
     * building full trees for it on every poll would cost the control plane more than the poll itself.
     */
    List<JsonNode> jobs() throws BackendException {
        Raw r = exchange("GET", "/jobs", null);
        if (r.status() != 200) {
            JsonNode all = check("GET /jobs", r.status(), r.body(), r.millis());
            List<JsonNode> out = new ArrayList<>();
            all.path("jobs").forEach(out::add);
            return out;
        }
        List<JsonNode> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(r.body())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BackendException(prefix() + "GET /jobs: reply is not a JSON object", true);
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (!"jobs".equals(name) || t != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    ObjectNode job = JSON.createObjectNode();
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String field = p.currentName();
                        p.nextToken();
                        if (JOB_FIELDS.contains(field)) {
                            job.set(field, value(p));
                        } else {
                            p.skipChildren();
                        }
                    }
                    out.add(job);
                }
            }
        } catch (JacksonException e) {
            throw new BackendException(prefix() + "GET /jobs: unreadable reply: " + e.getOriginalMessage(), true, e);
        }
        return out;
    }

    /** The value at the parser's current token as a tree (databind's readTree would insist on the end of input). */
    private static JsonNode value(JsonParser p) {
        var nodes = JSON.getNodeFactory();
        switch (p.currentToken()) {
            case START_OBJECT -> {
                ObjectNode o = nodes.objectNode();
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String k = p.currentName();
                    p.nextToken();
                    o.set(k, value(p));
                }
                return o;
            }
            case START_ARRAY -> {
                var a = nodes.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    a.add(value(p));
                }
                return a;
            }
            case VALUE_STRING -> {
                return nodes.textNode(p.getString());
            }
            case VALUE_NUMBER_INT -> {
                return nodes.numberNode(p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return nodes.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return nodes.booleanNode(p.currentToken() == JsonToken.VALUE_TRUE);
            }
            default -> {
                return nodes.nullNode();
            }
        }
    }

    private record Raw(int status, String body, long millis) {
    }

    private JsonNode send(String method, String path, JsonNode body) throws BackendException {
        Raw r = exchange(method, path, body);
        return check(method + " " + path, r.status(), r.body(), r.millis());
    }

    private Raw exchange(String method, String path, JsonNode body) throws BackendException {
        String what = method + " " + path;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(settings.base() + path))
                .timeout(settings.timeout())
                .header("X-SLURM-USER-NAME", settings.user())
                .header("X-SLURM-USER-TOKEN", token())
                .header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> resp;
        long t0 = System.nanoTime();
        try {
            resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new SlurmUnreachable(prefix() + "slurmrestd at " + settings.url() + " is unreachable (" + e.getClass().getSimpleName() + ")", false, e);
        } catch (HttpTimeoutException e) {
            // the request may have been carried out: callers that create things must check before retrying
            throw new SlurmUnreachable(prefix() + what + " timed out after " + settings.timeout().toMillis() + " ms", true, e);
        } catch (IOException e) {
            throw new SlurmUnreachable(prefix() + what + " failed: " + e, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(prefix() + what + " interrupted", true, e);
        }
        return new Raw(resp.statusCode(), resp.body(), (System.nanoTime() - t0) / 1_000_000);
    }

    private JsonNode check(String what, int status, String body, long millis) throws BackendException {
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (JacksonException e) {
            json = null;
        }
        String errors = json == null ? clip(body) : errors(json);
        if (status == 401 || status == 403) {
            forgetToken();
            throw new BackendException(prefix() + "slurmrestd refused the credentials (HTTP " + status + "): check user '"
                    + settings.user() + "' and jwtKeyFile " + settings.jwtKeyFile() + (errors.isEmpty() ? "" : ": " + errors), false);
        }
        if (json == null) {
            throw new BackendException(prefix() + what + ": HTTP " + status + " with a body that is not JSON: " + errors, status >= 500);
        }
        if (status >= 400 || !errors.isEmpty() && status >= 300) {
            if (status == 500 && opaque(json)) {
                // Slurm 22.05 answers a token slurmctld cannot verify with HTTP 500 and an opaque error
                // (slurm_load_ctl_conf, "Unspecified error", "Zero Bytes were transmitted"); it answers the same
                // when slurmctld is down, but only after its own connect retries (about 9 s). See
                // docs/decisions/backend-slurm-auth-or-down.md.
                if (millis < AUTH_REPLY_MILLIS) {
                    forgetToken();
                    throw new BackendException(prefix() + "slurmctld rejected the token (HTTP 500 '" + errors + "' in " + millis
                            + " ms, how Slurm 22.05 answers a bad JWT): check user '" + settings.user() + "' and that jwtKeyFile "
                            + settings.jwtKeyFile() + " is the cluster's key", false);
                }
                throw new BackendException(prefix() + "slurmctld is not answering slurmrestd (" + what + ": HTTP 500 '" + errors
                        + "' after " + millis + " ms)", true);
            }
            throw new SlurmError(prefix() + what + ": HTTP " + status + ": " + (errors.isEmpty() ? clip(body) : errors),
                    retryableError(status, errors), status, errors);
        }
        return json;
    }

    /** Replies slurmrestd 22.05 gives when slurmctld refused or never heard the RPC: no usable error text. */
    private static boolean opaque(JsonNode json) {
        JsonNode errs = json.path("errors");
        if (errs.isEmpty()) {
            return false;
        }
        for (JsonNode e : errs) {
            String src = e.path("source").asString("");
            String text = e.path("error").asString("");
            int num = e.path("error_number").asInt(e.path("error_code").asInt(e.path("errno").asInt(0)));
            boolean opaque = "slurm_load_ctl_conf".equals(src) || num == -1 || num == 5005
                    || text.startsWith("Zero Bytes were transmitted") || "Unspecified error".equals(text);
            if (!opaque) {
                return false;
            }
        }
        return true;
    }

    /** Errors that may pass: slurmctld down or busy. Wrong requests and missing things are not retryable. */
    private static boolean retryableError(int status, String errors) {
        String e = errors.toLowerCase();
        if (e.contains("unable to contact slurm controller") || e.contains("connection refused")
                || e.contains("socket timed out") || e.contains("slurmctld") && e.contains("not responding")
                || e.contains("resource temporarily unavailable") || e.contains("try again")) {
            return true;
        }
        if (e.contains("requested node configuration is not available") || e.contains("invalid partition")
                || e.contains("invalid job id") || e.contains("environment must be set") || e.contains("invalid")) {
            return false;
        }
        return status >= 500 && status != 501;
    }

    /** The {@code errors} array of a slurmrestd reply as one line. */
    static String errors(JsonNode json) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode e : json.path("errors")) {
            String text = e.path("error").asString("");
            String desc = e.path("description").asString("");
            String src = e.path("source").asString("");
            int code = e.path("error_number").asInt(e.path("error_code").asInt(e.path("errno").asInt(0)));
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(!text.isEmpty() ? text : desc);
            if (!text.isEmpty() && !desc.isEmpty() && !desc.equals(text)) {
                sb.append(" (").append(desc).append(')');
            }
            if (code != 0) {
                sb.append(" [error ").append(code).append(']');
            }
            if (!src.isEmpty()) {
                sb.append(" from ").append(src);
            }
        }
        return sb.toString();
    }

    private String prefix() {
        return "center " + center + " (slurm): ";
    }

    private static String clip(String s) {
        if (s == null) {
            return "";
        }
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }

    /** A cached token, re-minted before it expires; the key file is read again after an auth failure. */
    private synchronized String token() throws BackendException {
        long now = clock.millis() / 1000;
        if (token != null && now < tokenExpires - 60) {
            return token;
        }
        if (key == null) {
            try {
                key = Files.readAllBytes(settings.jwtKeyFile());
            } catch (NoSuchFileException e) {
                throw new BackendException(prefix() + "jwtKeyFile " + settings.jwtKeyFile() + " does not exist", true);
            } catch (IOException e) {
                throw new BackendException(prefix() + "cannot read jwtKeyFile " + settings.jwtKeyFile() + ": " + e.getMessage(), true);
            }
            if (key.length < 16) {
                byte[] k = key;
                key = null;
                throw new BackendException(prefix() + "jwtKeyFile " + settings.jwtKeyFile() + " holds " + k.length
                        + " bytes; a Slurm HS256 key has at least 16", false);
            }
        }
        long exp = now + Math.max(120, settings.tokenLifetime().toSeconds());
        token = Jwt.mint(key, settings.user(), now, exp);
        tokenExpires = exp;
        return token;
    }

    private synchronized void forgetToken() {
        token = null;
        key = null;
    }

    /** slurmrestd could not be reached or did not answer in time. */
    static final class SlurmUnreachable extends BackendException {
        final boolean maybeDone;

        SlurmUnreachable(String message, boolean maybeDone, Throwable cause) {
            super(message, true, cause);
            this.maybeDone = maybeDone;
        }
    }

    /** slurmrestd answered with an error. */
    static final class SlurmError extends BackendException {
        final int status;
        final String errors;

        SlurmError(String message, boolean retryable, int status, String errors) {
            super(message, retryable);
            this.status = status;
            this.errors = errors;
        }
    }
}
