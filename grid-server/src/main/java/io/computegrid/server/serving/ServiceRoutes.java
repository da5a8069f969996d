package io.computegrid.server.serving;

import io.computegrid.server.api.Api;
import io.computegrid.server.api.ApiContext;
import io.computegrid.server.api.ApiException;
import io.computegrid.server.api.Json;
import io.computegrid.server.api.RouteModule;
import io.computegrid.server.auth.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code /api/v1/services}: create, list, show, change the scaling fields of, delete; and a service's events. */
final class ServiceRoutes implements RouteModule {
    private final Serving serving;

    ServiceRoutes(Serving serving) {
        this.serving = serving;
    }

    @Override
    public void register(RoutesConfig r, ApiContext api) {
        r.post("/api/v1/services", ctx -> {
            ServiceStore.ServiceRow row = serving.lifecycle().create(Api.principal(ctx), Json.body(ctx));
            ctx.header("Location", "/api/v1/services/" + row.id());
            Json.send(ctx, 201, view(ctx, row));
        });
        r.get("/api/v1/services", ctx -> {
            Principal who = Api.principal(ctx);
            String tenant = ctx.queryParam("tenant");
            if (!who.isOperator()) {
                if (tenant != null && !tenant.equals(who.tenant())) {
                    Json.ok(ctx, Json.map("items", List.of()));
                    return;
                }
                tenant = who.tenant();
            }
            String state = ctx.queryParam("state");
            if (state != null) {
                state = state.toUpperCase(Locale.ROOT);
                if (!state.equals("ACTIVE") && !state.equals("DELETED")) {
                    throw ApiException.badRequest("state: must be ACTIVE or DELETED");
                }
            }
            List<ServiceStore.ServiceRow> rows = serving.store().list(tenant, state == null ? "ACTIVE" : state,
                    ctx.queryParam("name"));
            Json.ok(ctx, Json.map("items", views(ctx, rows)));
        });
        r.get("/api/v1/services/{id}", ctx -> Json.ok(ctx, view(ctx, visible(ctx))));
        r.put("/api/v1/services/{id}", ctx -> Json.ok(ctx, view(ctx, serving.lifecycle().update(Api.principal(ctx),
                id(ctx), Json.body(ctx)))));
        r.delete("/api/v1/services/{id}", ctx -> Json.ok(ctx, view(ctx, serving.lifecycle().delete(Api.principal(ctx),
                id(ctx)))));
        r.get("/api/v1/services/{id}/events", ctx -> {
            ServiceStore.ServiceRow row = visible(ctx);
            Json.ok(ctx, Json.map("items", serving.store().events(row.id(), Api.limit(ctx))));
        });
    }

    private ServiceStore.ServiceRow visible(Context ctx) {
        return serving.lifecycle().visible(Api.principal(ctx), id(ctx));
    }

    static long id(Context ctx) {
        String s = ctx.pathParam("id");
        try {
            long v = Long.parseLong(s);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // falls through to 404
        }
        throw ApiException.notFound("no service " + Api.clip(s));
    }

    private Map<String, Object> view(Context ctx, ServiceStore.ServiceRow row) {
        return views(ctx, List.of(row)).get(0);
    }

    private List<Map<String, Object>> views(Context ctx, List<ServiceStore.ServiceRow> rows) {
        List<Long> ids = rows.stream().map(ServiceStore.ServiceRow::id).toList();
        Map<Long, BigDecimal[]> usage = serving.store().usage(ids);
        Map<Long, List<ServiceStore.ReplicaRow>> live = new HashMap<>();
        for (ServiceStore.ReplicaRow rr : serving.store().liveReplicas(rows.size() == 1 ? ids.get(0) : null)) {
            live.computeIfAbsent(rr.serviceId(), k -> new ArrayList<>()).add(rr);
        }
        String base = ctx.scheme() + "://" + ctx.host();
        String currency = serving.currency();
        List<Map<String, Object>> out = new ArrayList<>();
        for (ServiceStore.ServiceRow row : rows) {
            out.add(ServiceView.of(row, serving.replicas().spec(row), serving.controller().state(row.id()).orElse(null),
                    live.getOrDefault(row.id(), List.of()), usage.get(row.id()), currency, base));
        }
        return out;
    }
}
