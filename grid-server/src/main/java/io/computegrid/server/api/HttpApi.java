package io.computegrid.server.api;

import io.computegrid.server.auth.Principal;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: authentication before every API route, problem+json for every error, a body
 * size limit, request metrics, and the route modules.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    /** One key=value line per request (debug level: enable with -Dorg.slf4j.simpleLogger.log.access=debug). */
    private static final Logger access = LoggerFactory.getLogger("access");
    public static final long MAX_BODY = 1 << 20;
    /** Oversized bodies up to this size are read and dropped so the client gets its 413. */
    private static final long MAX_DRAIN = 64L << 20;
    private static final String STARTED = "grid.started";

    private final Javalin app;

    public HttpApi(ApiContext api, List<RouteModule> modules, Readiness readiness) {
        String openapi = openApi();
        this.app = Javalin.create(cfg -> {
            cfg.http.maxRequestSize = MAX_BODY;
            cfg.startup.showJavalinBanner = false;
            cfg.routes.before(ctx -> {
                ctx.attribute(STARTED, System.nanoTime());
                String path = ctx.path();
                HealthRoutes.refuseUnlessServing(ctx, readiness); // lost leadership or stopping: act no more
                if (HealthRoutes.isHealthPath(path) || modules.stream().anyMatch(m -> m.isPublic(path))) {
                    return;
                }
                String auth = ctx.header("Authorization");
                Optional<Principal> p = Optional.empty();
                if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                    p = api.tokens().authenticate(auth.substring(7).trim());
                }
                if (p.isEmpty()) {
                    ctx.header("WWW-Authenticate", "Bearer");
                    throw new ApiException(401, "Unauthorized", auth == null ? "a bearer token is required"
                            : "the token is not valid");
                }
                ctx.attribute(Api.PRINCIPAL, p.get());
                if (ctx.method() == HandlerType.POST || ctx.method() == HandlerType.PUT) {
                    String len = ctx.header("Content-Length");
                    long length;
                    try {
                        length = len == null ? -1 : Long.parseLong(len.trim());
                    } catch (NumberFormatException e) {
                        throw new ApiException(400, "Bad Request", "Content-Length is not a number");
                    }
                    if (length > MAX_BODY) {
                        discardBody(ctx, length);
                        throw new ApiException(413, "Content Too Large", "the body is larger than " + MAX_BODY
                                + " bytes");
                    }
                }
            });
            cfg.routes.after(ctx -> {
                Long started = ctx.attribute(STARTED);
                if (started != null && ctx.endpoint() != null) {
                    long nanos = System.nanoTime() - started;
                    api.metrics().request(ctx.method().name(), ctx.endpoint().path, ctx.statusCode(), nanos);
                    if (access.isDebugEnabled()) {
                        Principal who = ctx.attribute(Api.PRINCIPAL);
                        access.debug("method={} path={} status={} micros={} token={} tenant={}", ctx.method(),
                                ctx.path(), ctx.statusCode(), nanos / 1000, who == null ? "-" : who.tokenId(),
                                who == null || who.tenant() == null ? "-" : who.tenant());
                    }
                }
            });
            HealthRoutes.register(cfg.routes, readiness);
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(api.metrics().scrape()));
            cfg.routes.get("/api/v1/openapi.json", ctx -> ctx.contentType("application/json").result(openapi));
            for (RouteModule m : modules) {
                m.register(cfg.routes, api);
            }
            cfg.routes.exception(ApiException.class, HealthRoutes::render);
            cfg.routes.exception(io.javalin.http.HttpResponseException.class, (e, ctx) ->
                    Json.problem(ctx, e.getStatus(), "Error", e.getMessage()));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                if (!AsyncAnswers.alive(ctx)) {
                    return; // an answer after the server stopped: nobody to tell (see AsyncAnswers)
                }
                log.error("{} {} failed", ctx.method(), ctx.path(), e);
                Json.problem(ctx, 500, "Internal Server Error", "the server failed to handle this request; see its log");
            });
            cfg.routes.error(404, ctx -> {
                // a committed response is a replica's own 404 streamed through the gateway
                if (!ctx.res().isCommitted() && (ctx.result() == null || ctx.result().isEmpty())) {
                    Json.problem(ctx, 404, "Not Found", "no such endpoint: " + ctx.method() + " " + ctx.path());
                }
            });
            cfg.routes.error(405, ctx -> problemUnlessCommitted(ctx, 405, "Method Not Allowed", ctx.method() + " is not allowed on "
                    + ctx.path()));
            cfg.routes.error(413, ctx -> problemUnlessCommitted(ctx, 413, "Content Too Large", "the body is larger than "
                    + MAX_BODY + " bytes"));
        });
    }

    private static void problemUnlessCommitted(Context ctx, int status, String title, String detail) {
        if (!ctx.res().isCommitted()) {
            Json.problem(ctx, status, title, detail);
        }
    }

    /**
     * Reads and drops an oversized body (up to {@link #MAX_DRAIN}) before answering 413: a client still
     * sending when the server closes the connection sees a reset instead of the problem document.
     */
    private static void discardBody(Context ctx, long length) {
        if (length > MAX_DRAIN) {
            ctx.header("Connection", "close");
            return;
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] buf = new byte[64 * 1024];
            long left = length;
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException e) {
            ctx.header("Connection", "close");
        }
    }

    static String openApi() {
        try (InputStream in = HttpApi.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the server jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public HttpApi start(String host, int port) {
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
