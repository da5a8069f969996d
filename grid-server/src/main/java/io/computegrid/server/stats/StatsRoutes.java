package io.computegrid.server.stats;

import io.computegrid.server.api.Api;
import io.computegrid.server.api.ApiContext;
import io.computegrid.server.api.ApiException;
import io.computegrid.server.api.Json;
import io.computegrid.server.api.RouteModule;
import io.computegrid.server.auth.Principal;
import io.computegrid.server.billing.BillingRoutes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;

/**
 * Series and breakdowns for the console: utilisation, queues and revenue for operators; a
 * tenant's usage by day for its members. Every series has a bounded number of points
 * ({@link TimeRange}); bad parameters are 400 naming the field.
 */
public final class StatsRoutes implements RouteModule {
    @Override
    public void register(RoutesConfig r, ApiContext api) {
        r.get("/api/v1/stats/utilisation", ctx -> {
            Api.operator(ctx);
            String center = ctx.queryParam("center");
            if (center != null && api.federation().current().center(center).isEmpty()) {
                throw ApiException.badRequest("center: unknown center '" + Api.clip(center) + "'");
            }
            Instant now = Instant.now();
            TimeRange range = range(ctx, now, Duration.ofDays(1), null);
            Json.ok(ctx, Utilisation.compute(api.jdbi(), api.federation().current().catalog(), range, center,
                    now.toEpochMilli()));
        });
        r.get("/api/v1/stats/queues", ctx -> {
            Api.operator(ctx);
            Json.ok(ctx, Queues.compute(api.jdbi(), api.jobs()::waitReason, System.currentTimeMillis()));
        });
        r.get("/api/v1/stats/revenue", ctx -> {
            Api.operator(ctx);
            TimeRange range = range(ctx, Instant.now(), Duration.ofDays(30), "1d");
            Json.ok(ctx, Revenue.compute(api.jdbi(), range, api.federation().current().currency()));
        });
        r.get("/api/v1/stats/usage", ctx -> {
            Principal who = Api.principal(ctx);
            String tenant = BillingRoutes.tenantParam(who, ctx.queryParam("tenant"));
            TimeRange range = range(ctx, Instant.now(), Duration.ofDays(30), "1d");
            Json.ok(ctx, UsageSeries.compute(api.jdbi(), range, tenant, api.federation().current().currency()));
        });
    }

    private static TimeRange range(Context ctx, Instant now, Duration defaultSpan, String defaultStep) {
        String step = ctx.queryParam("step");
        return TimeRange.parse(ctx.queryParam("from"), ctx.queryParam("to"), step == null ? defaultStep : step, now,
                defaultSpan);
    }
}
