package io.computegrid.server.api;

import io.computegrid.spec.Documents;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** JSON in and out of the HTTP API (Jackson 3), with problem+json errors. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).build();
    public static final String PROBLEM = "application/problem+json";

    private Json() {
    }

    public static void send(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(MAPPER.writeValueAsString(body));
    }

    public static void ok(Context ctx, Object body) {
        send(ctx, 200, body);
    }

    public static void problem(Context ctx, int status, String title, String detail) {
        problem(ctx, status, title, detail, Map.of());
    }

    /** A problem document with extension members; a 503 also says when to retry. */
    public static void problem(Context ctx, int status, String title, String detail, Map<String, Object> members) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "about:blank");
        p.put("title", title);
        p.put("status", status);
        p.put("detail", detail);
        p.put("instance", ctx.path());
        members.forEach(p::putIfAbsent);
        if (status == 503 && ctx.res().getHeader("Retry-After") == null) { // a caller's own hint wins
            ctx.header("Retry-After", RETRY_AFTER_SECONDS);
        }
        ctx.status(status).contentType(PROBLEM).result(MAPPER.writeValueAsString(p));
    }

    /** What a 503 asks clients to wait: about the time a standby needs to take over. */
    public static final String RETRY_AFTER_SECONDS = "2";

    /** The request body as a document (JSON or YAML), with the parser's limits. */
    public static JsonNode body(Context ctx) {
        String text = ctx.body();
        try {
            return Documents.parse(text, "request body");
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    public static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
