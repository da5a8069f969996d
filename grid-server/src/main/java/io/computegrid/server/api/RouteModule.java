package io.computegrid.server.api;

import io.javalin.config.RoutesConfig;

/**
 * A group of HTTP routes. Modules register their handlers with the shared {@link ApiContext}
 * services; authentication has already run (see {@link Api#principal}) and {@link ApiException}s
 * become problem+json responses.
 */
public interface RouteModule {
    void register(RoutesConfig routes, ApiContext ctx);

    /** Paths of this module served without a bearer token (static files); none by default. */
    default boolean isPublic(String path) {
        return false;
    }
}
