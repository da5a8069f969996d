package io.computegrid.server.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * {@code /healthz}, {@code /readyz} and the 503 every other path answers while this server does not serve
 * (standby, lost leadership, stopping): shared by the API and by the standby's own small HTTP server.
 */
public final class HealthRoutes {
    private HealthRoutes() {
    }

    public static boolean isHealthPath(String path) {
        return path.equals("/healthz") || path.equals("/readyz");
    }

    public static void register(RoutesConfig routes, Readiness readiness) {
        routes.get("/healthz", ctx -> Json.ok(ctx, Json.map("status", "alive")));
        routes.get("/readyz", ctx -> {
            Readiness.Answer a = readiness.answer();
            if (!a.ready()) {
                ctx.header("Retry-After", Json.RETRY_AFTER_SECONDS);
            }
            Json.send(ctx, a.ready() ? 200 : 503, a.body());
        });
    }

    /** Throws the 503 when this server does not serve {@code ctx}'s path now. */
    public static void refuseUnlessServing(Context ctx, Readiness readiness) {
        if (isHealthPath(ctx.path())) {
            return;
        }
        String refusal = readiness.refusal();
        if (refusal != null) {
            throw ApiException.unavailable(refusal, readiness.refusalMembers());
        }
    }

    /** Renders an {@link ApiException} as problem+json with its members. */
    public static void render(ApiException e, Context ctx) {
        Json.problem(ctx, e.status(), e.title(), e.getMessage(), e.members());
    }
}
