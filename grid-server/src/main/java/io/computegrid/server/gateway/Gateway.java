package io.computegrid.server.gateway;

import io.computegrid.server.api.ApiContext;
import io.computegrid.server.api.Json;
import io.computegrid.server.api.RouteModule;
import io.computegrid.server.auth.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The built-in gateway: any method on {@code /serve/{tenant}/{service}/**} of the server's own port goes to a
 * ready replica of that service, chosen by least outstanding requests. Request bodies are read whole (bounded by
 * the service's maxRequestBody) so a request can be held while no replica is ready and retried on another
 * replica when it could not be sent; responses are streamed. See docs/services.md and
 * docs/decisions/serving-gateway-client.md.
 */
public final class Gateway implements RouteModule, AutoCloseable {
    public static final String PREFIX = "/serve/";
    private static final List<HandlerType> METHODS = List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE, HandlerType.HEAD, HandlerType.OPTIONS);

    private final Function<String, Optional<Principal>> tokens;
    private final Map<String, ServiceRoute> routes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "grid-gateway-timers");
        t.setDaemon(true);
        return t;
    });
    private final Forwarder forwarder;
    /** Set at shutdown: the HTTP server is gone, so exchanges are dropped, never answered through it. */
    private volatile boolean closed;

    /** @param tokens authenticates a bearer token ({@code TokenService::authenticate}) */
    public Gateway(Function<String, Optional<Principal>> tokens) {
        this.tokens = tokens;
        this.forwarder = new Forwarder(this::respondProblem, this::closed);
    }

    private static String key(String tenant, String name) {
        return tenant + "/" + name;
    }

    /** A live service becomes reachable. */
    public void register(ServiceRoute r) {
        routes.put(key(r.tenant, r.name), r);
    }

    /** The service is deleted: new requests get 404, held ones 503; in-flight ones finish. */
    public void unregister(ServiceRoute r) {
        routes.remove(key(r.tenant, r.name), r);
        for (Exchange e : r.close()) {
            cancelTimer(e);
            respondProblem(e, 503, "Service Unavailable", "service " + r.tenant + "/" + r.name + " was deleted");
        }
    }

    boolean closed() {
        return closed;
    }

    /** Publishes the ready replicas; held requests go out at once, oldest first. */
    public void publish(ServiceRoute r, List<Upstream> ready) {
        for (Exchange e : r.publish(ready)) {
            cancelTimer(e);
            forwarder.send(e);
        }
    }

    /** The gateway authenticates itself: a public service needs no token, a private one the tenant's. */
    @Override
    public boolean isPublic(String path) {
        return path.startsWith(PREFIX);
    }

    @Override
    public void register(RoutesConfig routesConfig, ApiContext api) {
        for (HandlerType m : METHODS) {
            routesConfig.addHttpHandler(m, PREFIX + "{tenant}/{service}", this::handle);
            routesConfig.addHttpHandler(m, PREFIX + "{tenant}/{service}/<path>", this::handle);
        }
    }

    private void handle(Context ctx) {
        String tenant = ctx.pathParam("tenant");
        String name = ctx.pathParam("service");
        ServiceRoute route = routes.get(key(tenant, name));
        Optional<Principal> who = principal(ctx);
        if (route == null || !route.limits().isPublic()) {
            if (who.isEmpty()) {
                ctx.header("WWW-Authenticate", "Bearer");
                Json.problem(ctx, 401, "Unauthorized", ctx.header("Authorization") == null
                        ? "a bearer token of the service's tenant is required (the service is not public)"
                        : "the token is not valid");
                return;
            }
            if (route == null || !who.get().canAccessTenant(tenant)) {
                Json.problem(ctx, 404, "Not Found", "no live service " + tenant + "/" + name);
                return;
            }
        }
        ServiceRoute.Limits limits = route.limits();
        Exchange.Request request;
        try {
            request = Requests.read(ctx, tenant, name, limits.maxRequestBytes());
        } catch (Requests.TooLarge e) {
            ctx.header("Connection", "close");
            Json.problem(ctx, 413, "Content Too Large", "the body is larger than this service's maxRequestBody ("
                    + limits.maxRequestBytes() + " bytes)");
            return;
        } catch (IOException e) {
            Json.problem(ctx, 400, "Bad Request", "could not read the request body: " + e.getMessage());
            return;
        }
        Exchange ex = new Exchange(ctx, request, route);
        route.meter.begin();
        ctx.future(() -> {
            dispatch(ex);
            return ex.done;
        });
    }

    private Optional<Principal> principal(Context ctx) {
        String auth = ctx.header("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return tokens.apply(auth.substring(7).trim());
    }

    /** To a ready replica now, or held until one is ready (or the cold-start timeout), or 503 over the bound. */
    private void dispatch(Exchange ex) {
        ServiceRoute route = ex.route;
        if (!route.ready().isEmpty()) {
            forwarder.send(ex);
            return;
        }
        if (!route.hold(ex)) {
            ex.ctx.header("Retry-After", "1");
            respondProblem(ex, 503, "Service Unavailable", "no replica of " + route.tenant + "/" + route.name
                    + " is ready and " + route.limits().maxBuffered() + " request(s) are already held "
                    + "(maxBufferedRequests); retry shortly");
            route.activate();
            return;
        }
        long ms = route.limits().coldStartTimeout().toMillis();
        try {
            ex.coldStart = timers.schedule(() -> {
                if (route.release(ex)) {
                    respondProblem(ex, 504, "Gateway Timeout", "no replica of " + route.tenant + "/" + route.name
                            + " became ready within the cold-start timeout (" + ms + " ms)");
                }
            }, ms, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            route.release(ex);
            respondProblem(ex, 503, "Service Unavailable", "the server is stopping");
            return;
        }
        // a replica may have become ready between the check and the hold: publish again sends what is held
        if (!route.ready().isEmpty()) {
            publish(route, route.ready());
        }
        route.activate();
    }

    private static void cancelTimer(Exchange e) {
        if (e.coldStart != null) {
            e.coldStart.cancel(false);
        }
    }

    /** A problem+json answer from the gateway itself (the replica never answered). */
    void respondProblem(Exchange ex, int status, String title, String detail) {
        if (ex.finished() || closed || !ex.requestAlive()) {
            ex.finish(false);
            return;
        }
        try {
            Json.problem(ex.ctx, status, title, detail);
        } finally {
            ex.finish(true);
        }
    }

    /**
     * Stops before the HTTP server does: held requests get a 503 now; after this nothing is answered through Javalin
     * (completing a request's future once Jetty has stopped makes Javalin log its failure without end).
     */
    @Override
    public void close() {
        for (ServiceRoute r : routes.values()) {
            for (Exchange e : r.close()) {
                cancelTimer(e);
                respondProblem(e, 503, "Service Unavailable", "the server is stopping");
            }
        }
        closed = true;
        routes.clear();
        timers.shutdownNow();
        forwarder.close();
    }

    /** Reads a whole bounded body. */
    static byte[] readBounded(InputStream in, long max) throws IOException {
        byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        if (b.length > max) {
            throw new Requests.TooLarge();
        }
        return b;
    }
}
