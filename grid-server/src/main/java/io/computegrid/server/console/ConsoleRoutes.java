package io.computegrid.server.console;

import io.computegrid.server.api.Api;
import io.computegrid.server.api.ApiContext;
import io.computegrid.server.api.ApiException;
import io.computegrid.server.api.Json;
import io.computegrid.server.api.RouteModule;
import io.computegrid.server.auth.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;

/**
 * The web console: static files under {@code /console/} (no token needed for them; the page asks
 * for one and calls the API with it) and {@code GET /api/v1/me}, which tells the page what the
 * token may see. Every console response carries a strict Content-Security-Policy.
 */
public final class ConsoleRoutes implements RouteModule {
    /** Only the console's own scripts and styles run; the API is the only place it talks to. */
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final ConsoleFiles files = new ConsoleFiles();

    /** The console's static files (and the root, which redirects) need no token. */
    @Override
    public boolean isPublic(String path) {
        return path.equals("/") || path.equals("/console") || path.startsWith("/console/");
    }

    @Override
    public void register(RoutesConfig r, ApiContext api) {
        r.get("/", ctx -> ctx.redirect("/console/"));
        // the router ignores a trailing slash, but the page's relative URLs need it
        r.get("/console", ctx -> {
            if (ctx.path().endsWith("/")) {
                serve(ctx, "index.html");
            } else {
                ctx.redirect("/console/");
            }
        });
        r.get("/console/<path>", ctx -> serve(ctx, ctx.pathParam("path")));
        r.get("/api/v1/me", ctx -> {
            Principal who = Api.principal(ctx);
            Json.ok(ctx, Json.map("tokenId", who.tokenId(), "role", who.role().label(), "tenant", who.tenant(),
                    "operator", who.isOperator()));
        });
    }

    private void serve(Context ctx, String path) {
        ConsoleFiles.File f = files.find(path).orElseThrow(() -> ApiException.notFound("no console file "
                + Api.clip(path)));
        for (Map.Entry<String, String> h : securityHeaders().entrySet()) {
            ctx.header(h.getKey(), h.getValue());
        }
        // revalidate every time (a new server version serves new files at once), answer 304 when unchanged
        ctx.header("Cache-Control", "no-cache");
        ctx.header("ETag", f.etag());
        if (f.etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType(f.contentType()).result(f.bytes());
    }

    static Map<String, String> securityHeaders() {
        return Map.of("Content-Security-Policy", CSP, "X-Content-Type-Options", "nosniff",
                "Referrer-Policy", "no-referrer", "X-Frame-Options", "DENY");
    }
}
