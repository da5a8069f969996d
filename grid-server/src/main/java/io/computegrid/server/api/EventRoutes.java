package io.computegrid.server.api;

import io.computegrid.server.auth.Principal;
import io.javalin.config.RoutesConfig;

/** {@code GET /api/v1/events}: job state changes as server-sent events, filtered to what the caller may see. */
public final class EventRoutes implements RouteModule {
    @Override
    public void register(RoutesConfig r, ApiContext api) {
        r.sse("/api/v1/events", client -> {
            Principal who = Api.principal(client.ctx());
            String jobFilter = client.ctx().queryParam("job");
            client.keepAlive();
            // subscribe before saying "connected": a client that submits once it sees the comment must get the event
            Runnable unsubscribe = api.bus().subscribe(e -> {
                if (!who.canAccessTenant(e.tenant())) {
                    return;
                }
                if (jobFilter != null && !jobFilter.equals(Long.toString(e.jobId()))) {
                    return;
                }
                if (!client.terminated()) {
                    client.sendEvent("job", Json.MAPPER.writeValueAsString(e), Long.toString(e.id()));
                }
            });
            client.onClose(unsubscribe);
            client.sendComment("connected");
        });
    }
}
