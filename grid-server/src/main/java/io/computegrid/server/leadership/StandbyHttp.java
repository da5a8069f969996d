package io.computegrid.server.leadership;

import io.computegrid.server.api.ApiException;
import io.computegrid.server.api.HealthRoutes;
import io.computegrid.server.api.Readiness;
import io.javalin.Javalin;

/**
 * The server's port before it is the active server: {@code /healthz} 200, {@code /readyz} 503 saying why
 * (starting, standby for whom), every other path 503 problem+json naming the active server. Replaced by the
 * API once this server leads and its subsystems run.
 */
public final class StandbyHttp implements AutoCloseable {
    private final Javalin app;

    private StandbyHttp(Readiness readiness) {
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.routes.before(ctx -> HealthRoutes.refuseUnlessServing(ctx, readiness));
            HealthRoutes.register(cfg.routes, readiness);
            cfg.routes.exception(ApiException.class, HealthRoutes::render);
            cfg.routes.error(404, ctx -> HealthRoutes.render(ApiException.unavailable(readiness.refusal() == null
                    ? "this server is starting" : readiness.refusal(), readiness.refusalMembers()), ctx));
        });
    }

    public static StandbyHttp start(String host, int port, Readiness readiness) {
        StandbyHttp s = new StandbyHttp(readiness);
        s.app.start(host, port);
        return s;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
