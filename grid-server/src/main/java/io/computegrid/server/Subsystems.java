package io.computegrid.server;

import io.computegrid.config.FederationConfig;
import io.computegrid.metering.Metering;
import io.computegrid.model.Center;
import io.computegrid.model.Clock;
import io.computegrid.scheduler.Policies;
import io.computegrid.server.agent.Agents;
import io.computegrid.server.api.AdminRoutes;
import io.computegrid.server.api.ApiContext;
import io.computegrid.server.api.EventRoutes;
import io.computegrid.server.api.JobRoutes;
import io.computegrid.server.api.LogRoutes;
import io.computegrid.server.api.RouteModule;
import io.computegrid.server.auth.BootstrapTokens;
import io.computegrid.server.auth.TokenService;
import io.computegrid.server.billing.BillingRoutes;
import io.computegrid.server.billing.BudgetCheck;
import io.computegrid.server.billing.FundsGate;
import io.computegrid.server.billing.MeteringSlice;
import io.computegrid.server.billing.MeteringUsageRecorder;
import io.computegrid.server.console.ConsoleRoutes;
import io.computegrid.server.events.EventBus;
import io.computegrid.server.federation.DemoFederation;
import io.computegrid.server.federation.Federation;
import io.computegrid.server.jobs.IdempotencyKeys;
import io.computegrid.server.jobs.JobPaths;
import io.computegrid.server.jobs.JobService;
import io.computegrid.server.jobs.JobStore;
import io.computegrid.server.metrics.GridMetrics;
import io.computegrid.server.runtime.BackendRegistry;
import io.computegrid.server.runtime.CenterMonitor;
import io.computegrid.server.runtime.Heartbeat;
import io.computegrid.server.runtime.JobRuntime;
import io.computegrid.server.scheduling.SchedulingLoop;
import io.computegrid.server.serving.Serving;
import io.computegrid.server.stats.StatsRoutes;
import io.computegrid.spec.JobSpecParser;
import io.computegrid.store.Database;
import io.computegrid.store.leadership.Lease;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that acts, started only on the active server (phase 3 of {@link GridServer#start()}): federation,
 * metering, tokens, the job runtime and its backends, recovery of inherited work, the scheduling loop and the
 * timers. A new subsystem is wired in {@link #start}, after what it depends on, with what must stop added to
 * {@code closeInReverse}; its HTTP routes go in {@link #routeModules()}.
 */
public final class Subsystems {
    private static final Logger log = LoggerFactory.getLogger(Subsystems.class);
    static final Clock WALL = System::currentTimeMillis;

    private Federation federation;
    private Metering metering;
    private JobRuntime runtime;
    private SchedulingLoop loop;
    private ApiContext api;
    private Agents agents;
    private Serving serving;

    private Subsystems() {
    }

    static Subsystems start(ServerOptions options, FederationConfig cfg, Database db, Lease lease,
                            List<AutoCloseable> closeInReverse) throws IOException {
        Subsystems s = new Subsystems();
        s.startAll(options, cfg, db, lease, closeInReverse);
        return s;
    }

    private void startAll(ServerOptions options, FederationConfig cfg, Database db, Lease lease,
                          List<AutoCloseable> closeInReverse) throws IOException {
        Jdbi jdbi = db.jdbi();
        federation = new Federation(jdbi, cfg);
        federation.applyConfig();
        metering = new Metering(jdbi, federation.current());
        federation.onReload(metering::syncConfig);
        TokenService tokens = new TokenService(jdbi);
        BootstrapTokens.write(tokens, options.dataDir(), options.demo() ? DemoFederation.config().tenants() : List.of());
        Heartbeat heartbeat = new Heartbeat(jdbi);
        Instant lastAlive = heartbeat.last();

        EventBus bus = new EventBus();
        JobPaths paths = new JobPaths(options.dataDir());
        GridMetrics metrics = new GridMetrics(jdbi);
        JobSpecParser parser = new JobSpecParser(cfg.catalog());
        JobStore jobs = new JobStore(jdbi, parser);
        BackendRegistry backends = new BackendRegistry();
        closeInReverse.add(backends);
        agents = Agents.install(jdbi, backends, paths, tokens, bus);
        SchedulingLoop[] loopRef = new SchedulingLoop[1];
        runtime = new JobRuntime(jdbi, jobs, bus, paths, federation, backends, WALL, () -> loopRef[0].wake());
        runtime.usageRecorder(new MeteringUsageRecorder(metering));
        runtime.beforeBackendAction(lease::check); // every backend call: only while this server leads
        closeInReverse.add(runtime);
        for (Center c : federation.current().centers()) {
            backends.create(c, runtime);
        }
        String policy = options.policy() == null ? "default" : options.policy();
        loop = new SchedulingLoop(jdbi, jobs, federation, runtime, bus, metrics, Policies.byName(policy), WALL);
        loopRef[0] = loop;
        jobs.waitReasons(loop::waitingReason);
        loop.admissionGate(new FundsGate(metering, jdbi));
        JobService jobService = new JobService(jobs, parser, federation, bus, runtime, loop::wake);
        jobService.submitHook(new BudgetCheck(metering, loop::spec, jobs::spec));
        if (options.demo()) {
            DemoFederation.fund(metering);
        }
        api = new ApiContext(jdbi, federation, jobs, jobService, paths, tokens, bus, metrics, loop, backends);

        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "grid-timers");
            t.setDaemon(true);
            return t;
        });
        closeInReverse.add(timers::shutdownNow);
        recoverInherited(db, lease, timers, lastAlive);
        loop.start();
        closeInReverse.add(loop);
        serving = new Serving(jdbi, federation, jobs, runtime, bus, tokens, loop::wake, WALL);
        serving.start();
        closeInReverse.add(serving);
        timers.scheduleAtFixedRate(heartbeat::beat, 0, 5, TimeUnit.SECONDS);
        timers.scheduleAtFixedRate(() -> IdempotencyKeys.prune(jdbi), 1, 60, TimeUnit.MINUTES);
        int slice = metering.sliceSeconds();
        timers.scheduleAtFixedRate(new MeteringSlice(runtime, metering, jobs), slice, slice, TimeUnit.SECONDS);
        HealthSettings health = HealthSettings.from(cfg);
        CenterMonitor monitor = new CenterMonitor(jdbi, federation, backends, runtime, bus, health.downAfter(), loop::wake);
        timers.scheduleWithFixedDelay(monitor::checkAll, 0, health.checkInterval().toMillis(), TimeUnit.MILLISECONDS);
        agents.start(runtime, monitor); // last, just before the API opens: agents' silence counts from here
        closeInReverse.add(agents);
    }

    /**
     * Ends what holds HTTP requests open (agents' long polls, requests the gateway holds for a replica), so that the
     * API stops at once and nothing answers a request after Jetty is gone.
     */
    void beforeHttpStops() {
        Agents a = agents;
        if (a != null) {
            a.close();
        }
        Serving s = serving;
        if (s != null) {
            s.close();
        }
    }

    /**
     * Jobs the previous server left holding cards are reconciled and requeued; when the previous leader may be
     * alive somewhere (a shared database), not before its lease surely ran out (it stops acting by then). An
     * embedded database's lock already proves the previous server process is gone.
     */
    private void recoverInherited(Database db, Lease lease, ScheduledExecutorService timers, Instant lastAlive) {
        Duration quiet = db.isEmbedded() ? Duration.ZERO : lease.previousLeaderQuietIn();
        if (quiet.isZero()) {
            runtime.recover(lastAlive);
            return;
        }
        var inherited = runtime.inherited();
        log.info("recovering {} job(s) of the previous leader in {} ms, once its lease has run out",
                inherited.size(), quiet.toMillis());
        timers.schedule(() -> {
            try {
                runtime.recover(inherited, lastAlive);
            } catch (RuntimeException e) {
                log.warn("recovery of the previous leader's jobs failed: {}", e.toString());
            }
        }, quiet.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The HTTP routes of the subsystems (before the ones added with {@link GridServer#withRoutes}). */
    List<RouteModule> routeModules() {
        List<RouteModule> modules = new java.util.ArrayList<>(List.of(new JobRoutes(), new LogRoutes(),
                new AdminRoutes(metering), new EventRoutes(), new BillingRoutes(metering), new ConsoleRoutes(), new StatsRoutes()));
        modules.addAll(agents.routes());
        modules.addAll(serving.routes());
        return modules;
    }

    public ApiContext api() {
        return api;
    }

    public JobRuntime runtime() {
        return runtime;
    }

    public Federation federation() {
        return federation;
    }

    public Metering metering() {
        return metering;
    }

    public SchedulingLoop loop() {
        return loop;
    }
}
