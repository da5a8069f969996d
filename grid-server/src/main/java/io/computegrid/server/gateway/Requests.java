package io.computegrid.server.gateway;

import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the gateway forwards of a caller's request and of a replica's response: hop-by-hop headers (RFC 9110
 * 7.6.1, and any named in Connection) never cross it, nor the caller's Authorization (a tenant token is for the
 * platform, not for the replica); X-Forwarded-For/-Proto/-Host/-Prefix tell the replica who called.
 */
final class Requests {
    /** Hop-by-hop, or set by the HTTP client itself. */
    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade",
            "host", "content-length", "expect", "http2-settings");

    private Requests() {
    }

    /** The body exceeds the service's maxRequestBody. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("body too large");
        }
    }

    static Exchange.Request read(Context ctx, String tenant, String service, long maxBody) throws IOException {
        String len = ctx.header("Content-Length");
        if (len != null) {
            try {
                if (Long.parseLong(len.trim()) > maxBody) {
                    throw new TooLarge();
                }
            } catch (NumberFormatException e) {
                throw new IOException("Content-Length is not a number");
            }
        }
        byte[] body = Gateway.readBounded(ctx.req().getInputStream(), maxBody);
        String prefix = Gateway.PREFIX + tenant + "/" + service;
        String uri = ctx.req().getRequestURI();
        String rest = uri.length() > prefix.length() ? uri.substring(prefix.length()) : "/";
        if (!rest.startsWith("/")) {
            rest = "/" + rest;
        }
        String query = ctx.req().getQueryString();
        Set<String> named = connectionNamed(Collections.list(ctx.req().getHeaders("Connection")));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String h : Collections.list(ctx.req().getHeaderNames())) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(lower) || named.contains(lower) || lower.equals("authorization")
                    || lower.startsWith("x-forwarded-")) {
                continue;
            }
            headers.put(h, Collections.list(ctx.req().getHeaders(h)));
        }
        String xff = ctx.header("X-Forwarded-For");
        String client = ctx.req().getRemoteAddr();
        headers.put("X-Forwarded-For", List.of(xff == null || xff.isBlank() ? client : xff + ", " + client));
        headers.put("X-Forwarded-Proto", List.of(ctx.scheme()));
        String host = ctx.header("Host");
        if (host != null) {
            headers.put("X-Forwarded-Host", List.of(host));
        }
        headers.put("X-Forwarded-Prefix", List.of(prefix));
        return new Exchange.Request(ctx.method().name(), rest + (query == null ? "" : "?" + query), headers, body);
    }

    /** Lower-case names listed in Connection headers (also hop-by-hop). */
    static Set<String> connectionNamed(List<String> values) {
        Set<String> out = new HashSet<>();
        for (String v : values) {
            for (String p : v.split(",")) {
                String t = p.trim().toLowerCase(Locale.ROOT);
                if (!t.isEmpty()) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** Response headers to pass on to the caller. */
    static Map<String, List<String>> responseHeaders(Map<String, List<String>> upstream) {
        List<String> conn = new ArrayList<>();
        upstream.forEach((k, v) -> {
            if (k.equalsIgnoreCase("connection")) {
                conn.addAll(v);
            }
        });
        Set<String> named = connectionNamed(conn);
        Map<String, List<String>> out = new LinkedHashMap<>();
        upstream.forEach((k, v) -> {
            String lower = k.toLowerCase(Locale.ROOT);
            if (!lower.startsWith(":") && (!HOP_BY_HOP.contains(lower) || lower.equals("content-length"))
                    && !named.contains(lower)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
