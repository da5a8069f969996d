package io.computegrid.server.agent;

import io.computegrid.server.api.Api;
import io.computegrid.server.api.ApiContext;
import io.computegrid.server.api.ApiException;
import io.computegrid.server.api.Json;
import io.computegrid.server.api.RouteModule;
import io.computegrid.server.auth.Principal;
import io.computegrid.spec.Fields;
import io.computegrid.spec.Quantities;
import io.computegrid.spec.SpecException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What operators do with agents: {@code GET /api/v1/agents} (every agent with its node, resources, address,
 * status, last heartbeat and tasks), {@code POST /api/v1/agents/join-tokens} (a join token for one agent center,
 * shown once), {@code DELETE /api/v1/agents/join-tokens/{id}} (revoke it) and {@code DELETE /api/v1/agents/{node}}
 * (remove an agent that is DOWN or LEFT, for good), {@code POST /api/v1/agents/{node}/drain} and {@code /resume}
 * (no new work on its node; running tasks go on). Operator or admin tokens only.
 */
final class AgentAdminRoutes implements RouteModule {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AgentAdminRoutes.class);
    static final Duration DEFAULT_TTL = Duration.ofHours(24);
    private final Agents agents;

    AgentAdminRoutes(Agents agents) {
        this.agents = agents;
    }

    @Override
    public void register(RoutesConfig r, ApiContext api) {
        r.get("/api/v1/agents", ctx -> {
            Api.operator(ctx);
            String center = ctx.queryParam("center");
            Map<Long, List<Map<String, Object>>> tasks = runningTasks();
            Instant now = agents.now();
            List<Map<String, Object>> items = new ArrayList<>();
            for (AgentRow a : agents.store().all()) {
                if (center == null || center.equals(a.center())) {
                    items.add(view(a, tasks.getOrDefault(a.id(), List.of()), now));
                }
            }
            Json.ok(ctx, Json.map("items", items));
        });
        r.post("/api/v1/agents/join-tokens", ctx -> {
            Principal who = Api.operator(ctx);
            Fields f = new Fields(Json.body(ctx), "");
            String center;
            Duration ttl;
            try {
                f.rejectUnknown(Set.of("center", "ttl"));
                center = f.requiredString("center");
                ttl = f.has("ttl") ? Quantities.duration(f.raw("ttl"), "ttl") : DEFAULT_TTL;
            } catch (SpecException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            if (api.federation().current().center(center).isEmpty()) {
                throw ApiException.unprocessable("center: unknown center '" + Api.clip(center) + "'");
            }
            if (agents.backend(center).isEmpty()) {
                throw ApiException.unprocessable("center: " + Api.clip(center)
                        + " does not run agents (its backend is not {type: agent})");
            }
            JoinTokens.Issued t = agents.joinTokens().create(center, ttl, who.tokenId());
            Json.send(ctx, 201, Json.map("id", t.id(), "token", t.token(), "center", t.center(),
                    "expiresAt", t.expiresAt().toString()));
        });
        r.delete("/api/v1/agents/{node}", ctx -> {
            Principal who = Api.operator(ctx);
            AgentRow gone = agents.store().remove(Api.clip(ctx.pathParam("node")));
            log.info("agent {} of center {} (node {}) removed by token {}", gone.name(), gone.center(), gone.node(),
                    who.tokenId());
            api.federation().reload(); // its pool leaves the federation now, not at the next discovery
            Json.ok(ctx, Json.map("name", gone.name(), "center", gone.center(), "node", gone.node(), "removed", true));
        });
        r.post("/api/v1/agents/{node}/drain", ctx -> drain(ctx, true));
        r.post("/api/v1/agents/{node}/resume", ctx -> drain(ctx, false));
        r.delete("/api/v1/agents/join-tokens/{id}", ctx -> {
            Api.operator(ctx);
            long id;
            try {
                id = Long.parseLong(ctx.pathParam("id"));
            } catch (NumberFormatException e) {
                throw ApiException.notFound("no join token " + Api.clip(ctx.pathParam("id")));
            }
            if (!agents.joinTokens().revoke(id)) {
                throw ApiException.notFound("no join token " + id);
            }
            Json.ok(ctx, Json.map("id", id, "revoked", true));
        });
    }

    /** Sets or clears an agent's drain; its node leaves (or rejoins) scheduling at once. */
    private void drain(Context ctx, boolean drain) {
        Principal who = Api.operator(ctx);
        String node = Api.clip(ctx.pathParam("node"));
        AgentRow a = agents.store().drain(node, drain).orElseThrow(() -> ApiException.notFound("no agent with node " + node));
        log.info("agent {} of center {} {} by token {}", a.name(), a.center(), drain ? "drained" : "resumed", who.tokenId());
        agents.refresh(a.center());
        Json.ok(ctx, view(a, runningTasks().getOrDefault(a.id(), List.of()), agents.now()));
    }

    private Map<Long, List<Map<String, Object>>> runningTasks() {
        Map<Long, List<Map<String, Object>>> out = new LinkedHashMap<>();
        agents.store().jdbi().useHandle(h -> h.createQuery("""
                        SELECT at.agent_id, at.job_id, at.attempt, at.idx, at.port FROM agent_tasks at
                        JOIN jobs j ON j.id = at.job_id AND j.attempt = at.attempt AND j.state IN ('ADMITTED', 'RUNNING')
                        WHERE at.state = 'RUNNING' ORDER BY at.job_id, at.idx""")
                .map((rs, c) -> out.computeIfAbsent(rs.getLong("agent_id"), k -> new ArrayList<>())
                        .add(Json.map("jobId", rs.getLong("job_id"), "attempt", rs.getInt("attempt"),
                                "index", rs.getInt("idx"), "port", rs.getInt("port") > 0 ? rs.getInt("port") : null)))
                .list());
        return out;
    }

    private static Map<String, Object> view(AgentRow a, List<Map<String, Object>> tasks, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", a.name());
        m.put("center", a.center());
        m.put("node", a.node());
        m.put("pool", a.pool());
        m.put("accelerator", a.accelerator());
        m.put("cards", a.cards());
        m.put("cpu", a.cpuMilli() / 1000.0);
        m.put("memoryMiB", a.memoryMiB());
        m.put("address", a.address());
        m.put("ports", a.portFrom() + "-" + a.portTo());
        m.put("status", a.status());
        m.put("statusReason", a.statusReason());
        m.put("draining", a.draining());
        m.put("version", a.version());
        m.put("registeredAt", a.registeredAt().toString());
        m.put("lastHeartbeat", a.lastHeartbeat().toString());
        m.put("secondsSinceHeartbeat", Math.max(0, Duration.between(a.lastHeartbeat(), now).toMillis()) / 1000.0);
        m.put("tasks", tasks);
        return m;
    }
}
