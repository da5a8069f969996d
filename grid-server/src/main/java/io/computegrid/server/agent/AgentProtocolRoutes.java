package io.computegrid.server.agent;

import io.computegrid.agentapi.AgentApi;
import io.computegrid.agentapi.AgentApi.Leave;
import io.computegrid.agentapi.AgentApi.PollReply;
import io.computegrid.agentapi.AgentApi.PollRequest;
import io.computegrid.agentapi.AgentApi.Registered;
import io.computegrid.agentapi.AgentApi.Registration;
import io.computegrid.agentapi.AgentApi.StatusReply;
import io.computegrid.agentapi.AgentApi.StatusReport;
import io.computegrid.agentapi.AgentApi.TaskReport;
import io.computegrid.server.api.ApiContext;
import io.computegrid.server.api.ApiException;
import io.computegrid.server.api.AsyncAnswers;
import io.computegrid.server.api.Json;
import io.computegrid.server.api.RouteModule;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;

/**
 * The agent protocol under {@code /api/v1/agent/} (docs/agent.md): register, status (the heartbeat), poll (the
 * command long poll), logs and leave. These routes authenticate by themselves: an agent credential (or a join
 * token, for the first registration); a user token gets 403 and is never enough.
 */
final class AgentProtocolRoutes implements RouteModule {
    private final Agents agents;

    AgentProtocolRoutes(Agents agents) {
        this.agents = agents;
    }

    /** No user token is asked for here: these routes check agent credentials (and join tokens) themselves. */
    @Override
    public boolean isPublic(String path) {
        return path.startsWith(AgentApi.PREFIX);
    }

    @Override
    public void register(RoutesConfig r, ApiContext api) {
        Registrations registrations = new Registrations(agents, api);
        r.post(AgentApi.REGISTER, ctx -> {
            String token = bearer(ctx);
            Optional<AgentRow> known = agents.store().byCredential(token);
            if (known.isPresent()) {
                Json.ok(ctx, registrations.again(known.get(), read(ctx, Registration.class)));
                return;
            }
            JoinTokens.Valid join = agents.joinTokens().check(token).orElseThrow(() -> refused(api, token,
                    token.startsWith(AgentStore.CREDENTIAL_PREFIX) ? STALE_CREDENTIAL
                            : "not a join token of this server; ask an operator for one (grid agent token --center C)"));
            Registered joined = registrations.join(join, read(ctx, Registration.class));
            Json.send(ctx, 201, joined);
        });
        r.post(AgentApi.STATUS, ctx -> {
            AgentRow a = agent(ctx, api);
            StatusReport rep = read(ctx, StatusReport.class);
            if (rep.session() == null || !rep.session().equals(a.session())) {
                throw ApiException.conflict("session: not the session agent " + a.name() + " registered; register again");
            }
            AgentBackend b = backendOf(a);
            String before = agents.store().heartbeat(a.id());
            if (!AgentRow.UP.equals(before)) {
                agents.refresh(a.center()); // back from silence: its node takes work again
            }
            List<AgentApi.TaskKey> forget = b.reports().apply(a, rep.tasks(), rep.checkpoints(), agents);
            Json.ok(ctx, new StatusReply(b.settings().heartbeatInterval().toMillis(),
                    b.settings().downAfter().toMillis(), forget));
        });
        r.post(AgentApi.POLL, ctx -> {
            AgentRow a = agent(ctx, api);
            PollRequest req = read(ctx, PollRequest.class);
            agents.acked(a, agents.commands().ack(a.id(), req.ack()));
            CompletableFuture<Void> signal = agents.commands().await(a.id(), req.waitMillis());
            List<AgentApi.Command> now = agents.commands().pending(a.id());
            if (!now.isEmpty() || req.waitMillis() <= 0) {
                signal.complete(null);
                Json.ok(ctx, new PollReply(now));
                return;
            }
            ctx.future(() -> {
                CompletableFuture<Void> answered = new CompletableFuture<>();
                signal.thenApplyAsync(v -> agents.commands().pending(a.id()), agents.commands().answers())
                    .handle((cmds, err) -> {
                        if (!AsyncAnswers.alive(ctx)) {
                            return null; // the API stopped: its future must stay open (see AsyncAnswers)
                        }
                        try {
                            if (err != null) {
                                Json.problem(ctx, 503, "Service Unavailable", "the poll failed: " + err.getMessage());
                            } else {
                                Json.ok(ctx, new PollReply(cmds));
                            }
                        } catch (RuntimeException gone) {
                            // the agent hung up while it waited (it stopped, or its connection broke): nobody to tell;
                            // its commands stay queued for its next poll
                        }
                        answered.complete(null);
                        return null;
                    });
                return answered;
            });
        });
        r.post(AgentApi.LOGS, ctx -> {
            AgentRow a = agent(ctx, api);
            long job = number(ctx, "job");
            int attempt = (int) number(ctx, "attempt");
            int task = (int) number(ctx, "task");
            long offset = number(ctx, "offset");
            byte[] data = ctx.bodyAsBytes();
            if (data.length > AgentApi.MAX_CHUNK) {
                throw new ApiException(413, "Content Too Large", "a log chunk holds at most " + AgentApi.MAX_CHUNK
                        + " bytes");
            }
            Json.ok(ctx, agents.logs().append(a, job, attempt, task, offset, data));
        });
        r.post(AgentApi.LEAVE, ctx -> {
            AgentRow a = agent(ctx, api);
            Leave l = read(ctx, Leave.class);
            if (l.session() != null && l.session().equals(a.session())
                    && agents.store().leave(a.id(), AgentRow.LEFT, clip(l.reason()), null)) {
                agents.refresh(a.center());
                agents.requeueLost(a, "agent " + a.name() + " stopped (" + clip(l.reason()) + ")", false, Set.of());
            }
            Json.ok(ctx, Json.map("name", a.name(), "status", AgentRow.LEFT));
        });
    }

    private AgentBackend backendOf(AgentRow a) {
        return agents.backend(a.center()).orElseThrow(() -> ApiException.conflict("center " + a.center()
                + " no longer runs agents; this agent cannot take work"));
    }

    /** Jobs a registering agent says it still runs (it keeps them; everything else it had is gone). */
    static Set<Long> running(Registration r) {
        return r.tasks().stream().filter(t -> AgentApi.RUNNING.equals(t.state())).map(TaskReport::jobId)
                .collect(Collectors.toSet());
    }

    static final String STALE_CREDENTIAL = "the agent credential is not valid (the agent was removed, or the server's "
            + "database is another one); join again with a join token";

    static String bearer(Context ctx) {
        String auth = ctx.header("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "Unauthorized", "an agent credential (or a join token, to register) is required");
        }
        return auth.substring(7).trim();
    }

    private AgentRow agent(Context ctx, ApiContext api) {
        String token = bearer(ctx);
        return agents.store().byCredential(token).orElseThrow(() -> refused(api, token, STALE_CREDENTIAL));
    }

    /** Neither credential nor join token: 403 for a user token (it never opens agent endpoints), else 401 with {@code why}. */
    static ApiException refused(ApiContext api, String token, String why) {
        if (api.tokens().authenticate(token).isPresent()) {
            return ApiException.forbidden("agent endpoints take an agent credential or a join token, not a user token");
        }
        return JoinTokens.unauthorized(why);
    }

    static <T> T read(Context ctx, Class<T> type) {
        try {
            T v = AgentApi.JSON.readValue(ctx.bodyAsBytes(), type);
            if (v == null) {
                throw ApiException.badRequest("body: a JSON object is required");
            }
            return v;
        } catch (JacksonException e) {
            throw ApiException.badRequest("body: not a valid " + type.getSimpleName() + " message: "
                    + e.getOriginalMessage());
        }
    }

    private static long number(Context ctx, String name) {
        String s = ctx.queryParam(name);
        try {
            long v = Long.parseLong(s == null ? "" : s);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + ": a whole number of at least 0 is required");
        }
    }

    static String clip(String s) {
        return s == null ? "stopped" : io.computegrid.server.api.Api.clip(s);
    }
}
