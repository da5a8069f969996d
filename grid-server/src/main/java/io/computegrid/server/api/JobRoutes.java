package io.computegrid.server.api;

import io.computegrid.model.JobState;
import io.computegrid.server.auth.Principal;
import io.computegrid.server.jobs.JobService;
import io.computegrid.server.jobs.JobStore.JobRow;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Jobs: submit, list, show, cancel, explain, events, checkpoint reports. Logs are in {@link LogRoutes}. */
public final class JobRoutes implements RouteModule {
    @Override
    public void register(RoutesConfig r, ApiContext api) {
        r.post("/api/v1/jobs", ctx -> {
            Principal who = Api.principal(ctx);
            JobService.Submitted s = api.jobService().submit(who, Json.body(ctx));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", s.id());
            body.put("state", s.state().name());
            body.putAll(s.extra());
            ctx.header("Location", "/api/v1/jobs/" + s.id());
            Json.send(ctx, 201, body);
        });
        r.get("/api/v1/jobs", ctx -> {
            Principal who = Api.principal(ctx);
            String tenant = ctx.queryParam("tenant");
            if (!who.isOperator()) {
                if (tenant != null && !tenant.equals(who.tenant())) {
                    Json.ok(ctx, Api.page(List.of(), 1, x -> 0));
                    return;
                }
                tenant = who.tenant();
            }
            JobState state = null;
            String s = ctx.queryParam("state");
            if (s != null) {
                try {
                    state = JobState.valueOf(s.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("state: '" + Api.clip(s) + "' is not a job state");
                }
            }
            int limit = Api.limit(ctx);
            List<JobRow> rows = api.jobs().list(tenant, state, ctx.queryParam("name"), Api.cursor(ctx), limit);
            Json.ok(ctx, Api.page(api.jobs().views(rows), limit, m -> (Long) m.get("id")));
        });
        r.get("/api/v1/jobs/{id}", ctx -> Json.ok(ctx, api.jobs().view(visible(ctx, api))));
        r.post("/api/v1/jobs/{id}/cancel", ctx -> {
            Principal who = Api.principal(ctx);
            long id = Api.id(ctx, "id");
            JobState after = api.jobService().cancel(who, id, x -> ApiException.notFound("no job " + x));
            Json.ok(ctx, Json.map("id", id, "state", after.name(), "cancelRequested", true));
        });
        r.get("/api/v1/jobs/{id}/events", ctx -> {
            JobRow j = visible(ctx, api);
            Json.ok(ctx, Json.map("items", api.jobs().events(j.id(), Api.limit(ctx) * 10)));
        });
        r.get("/api/v1/jobs/{id}/explain", ctx -> Json.ok(ctx, Explain.of(visible(ctx, api), api)));
        r.post("/api/v1/jobs/{id}/checkpoint", ctx -> {
            JobRow j = visible(ctx, api);
            if (!j.state().isActive()) {
                throw ApiException.conflict("job " + j.id() + " is " + j.state() + "; only running jobs checkpoint");
            }
            api.jdbi().useHandle(h -> h.createUpdate("UPDATE jobs SET last_checkpoint_at = now() WHERE id = :id")
                    .bind("id", j.id()).execute());
            Json.ok(ctx, Json.map("id", j.id(), "checkpointRecorded", true));
        });
    }

    /** The job if the caller may see it; otherwise 404, the same as a job that does not exist. */
    static JobRow visible(Context ctx, ApiContext api) {
        Principal who = Api.principal(ctx);
        long id = Api.id(ctx, "id");
        return api.jobs().find(id).filter(j -> who.canAccessTenant(j.tenant()))
                .orElseThrow(() -> ApiException.notFound("no job " + id));
    }
}
