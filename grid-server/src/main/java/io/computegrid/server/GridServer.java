package io.computegrid.server;

import io.computegrid.config.FederationConfig;
import io.computegrid.config.FederationConfigParser;
import io.computegrid.model.Center;
import io.computegrid.model.Clock;
import io.computegrid.scheduler.Policies;
import io.computegrid.server.api.AdminRoutes;
import io.computegrid.server.api.ApiContext;
import io.computegrid.server.api.EventRoutes;
import io.computegrid.server.api.HttpApi;
import io.computegrid.server.api.JobRoutes;
import io.computegrid.server.api.LogRoutes;
import io.computegrid.server.api.RouteModule;
import io.computegrid.server.auth.TokenService;
import io.computegrid.server.events.EventBus;
import io.computegrid.server.federation.DemoFederation;
import io.computegrid.server.federation.Federation;
import io.computegrid.server.jobs.IdempotencyKeys;
import io.computegrid.server.jobs.JobPaths;
import io.computegrid.server.jobs.JobService;
import io.computegrid.server.jobs.JobStore;
import io.computegrid.server.metrics.GridMetrics;
import io.computegrid.metering.Metering;
import io.computegrid.server.billing.BillingRoutes;
import io.computegrid.server.billing.BudgetCheck;
import io.computegrid.server.billing.FundsGate;
import io.computegrid.server.billing.MeteringSlice;
import io.computegrid.server.billing.MeteringUsageRecorder;
import io.computegrid.server.auth.BootstrapTokens;
import io.computegrid.server.leadership.Campaign;
import io.computegrid.server.leadership.ServerStatus;
import io.computegrid.server.leadership.StandbyHttp;
import io.computegrid.server.runtime.Heartbeat;
import io.computegrid.server.runtime.BackendRegistry;
import io.computegrid.server.runtime.CenterMonitor;
import io.computegrid.server.runtime.JobRuntime;
import io.computegrid.server.scheduling.SchedulingLoop;
import io.computegrid.spec.JobSpecParser;
import io.computegrid.store.DataDirLock;
import io.computegrid.store.Database;
import io.computegrid.store.Postgres;
import io.computegrid.store.leadership.Lease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane. {@link #start()} runs in phases: open the database (the data directory's lock first),
 * win leadership (a standby waits here), start the subsystems (federation, metering, runtime and backends,
 * recovery, the scheduling loop, timers), then serve the API on the port. Stopped in reverse. A restart on
 * the same data directory or database continues where the last run stopped; several servers on one
 * database take turns (docs/high-availability.md).
 */
public final class GridServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GridServer.class);
    static final Clock WALL = System::currentTimeMillis;

    private final ServerOptions options;
    private final List<AutoCloseable> closeInReverse = new ArrayList<>();
    private final ServerStatus status = new ServerStatus(this::selfUrl);
    private volatile boolean stopRequested;
    private volatile String advertisedUrl;
    private volatile Consumer<String> standbyListener = line -> { };
    private volatile Consumer<String> lostListener = reason -> { };
    private volatile StandbyHttp front;
    private long wonAt;
    private Database db;
    private volatile HttpApi http;
    private JobRuntime runtime;
    private SchedulingLoop loop;
    private Federation federation;
    private Metering metering;
    private ApiContext api;
    private final List<RouteModule> extraModules = new ArrayList<>();

    public GridServer(ServerOptions options) {
        this.options = options;
    }

    /** Route modules contributed by other subsystems (registered before {@link #start()}). */
    public GridServer withRoutes(RouteModule m) {
        extraModules.add(m);
        return this;
    }

    /** Loads and validates the federation: the config file, the demo federation, or both. */
    public static FederationConfig federation(ServerOptions o) {
        FederationConfig cfg = FederationConfig.empty();
        if (o.configFile() != null) {
            String text;
            try {
                text = Files.readString(o.configFile());
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read config " + o.configFile() + ": " + e.getMessage());
            }
            cfg = FederationConfigParser.parse(text, o.configFile().toString());
        }
        if (o.demo()) {
            cfg = o.configFile() == null ? DemoFederation.config() : DemoFederation.mergeInto(cfg);
        }
        // subsystem sections are validated here, once, so a bad file stops the start with the field named
        io.computegrid.scheduler.SchedulerSettings.of(cfg);
        HealthSettings.from(cfg);
        io.computegrid.metering.MeteringConfig.read(cfg);
        io.computegrid.metering.price.PricesConfig.read(cfg);
        return cfg;
    }

    /**
     * Starts the server in three phases: open the database, win leadership, start the subsystems (then the
     * API takes over the port). A standby blocks in the second phase, answering on its port, until the
     * active server stops. Fails with {@link DataDirLock.HeldException} when another server holds the data dir.
     */
    public GridServer start() throws IOException {
        long t0 = System.nanoTime();
        long migrated;
        long subsystems;
        try {
            FederationConfig cfg = federation(options);
            Postgres pg = openDatabase();
            Lease lease = winLeadership(pg);
            migrated = System.nanoTime();
            startSubsystems(cfg, lease);
            subsystems = System.nanoTime();
            serveApi();
        } catch (InterruptedException e) {
            close();
            throw new IllegalStateException("stopped while standing by");
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        long now = System.nanoTime();
        log.info("ready in {} ms (epoch {}; since leadership was won: migrations {} ms, subsystems {} ms, API {} ms)",
                (now - t0) / 1_000_000, db.lease().epoch(), (migrated - wonAt) / 1_000_000,
                (subsystems - migrated) / 1_000_000, (now - subsystems) / 1_000_000);
        return this;
    }

    /**
     * Phase 1. With the embedded database the data directory's lock comes first: a second server on the same
     * --data stops here, before it binds a port or touches DATA/pg. Then the port answers (503 until this
     * server is active), then PostgreSQL starts or is reached.
     */
    private Postgres openDatabase() throws IOException {
        Files.createDirectories(options.dataDir());
        if (options.dbUrl() == null) {
            DataDirLock lock = DataDirLock.acquire(options.dataDir());
            closeInReverse.add(lock);
            front = StandbyHttp.start(options.host(), options.port(), status);
            lock.describe(selfUrl());
            status.starting("starting the embedded PostgreSQL");
            Postgres pg = Postgres.embedded(options.dataDir(), lock);
            closeInReverse.add(pg);
            return pg;
        }
        front = StandbyHttp.start(options.host(), options.port(), status);
        Postgres pg = Postgres.external(options.dbUrl(), options.dbUser(), options.dbPassword());
        closeInReverse.add(pg);
        return pg;
    }

    /**
     * Phase 2. Stands by until this server leads, then migrates and fences the schema under its lease. A lost
     * lease (renewal failed, epoch moved, a write fenced off) stops the server: see {@link #failStop}.
     */
    private Lease winLeadership(Postgres pg) throws InterruptedException {
        Lease lease = Campaign.run(pg, selfUrl(), status, standbyListener, () -> stopRequested);
        wonAt = System.nanoTime();
        closeInReverse.add(lease);
        lease.onLost(this::failStop);
        status.starting("migrating the database");
        db = Database.open(pg, lease);
        closeInReverse.add(db);
        return lease;
    }

    /**
     * Phase 3, on the active server only: everything that acts on the federation. A new subsystem is wired
     * here, after what it depends on; register what must stop with {@code closeInReverse}.
     */
    private void startSubsystems(FederationConfig cfg, Lease lease) throws IOException {
        Path data = options.dataDir();
        var jdbi = db.jdbi();
        federation = new Federation(jdbi, cfg);
        federation.applyConfig();
        metering = new Metering(jdbi, federation.current());
        federation.onReload(metering::syncConfig);
        TokenService tokens = new TokenService(jdbi);
        BootstrapTokens.write(tokens, data, options.demo() ? DemoFederation.config().tenants() : List.of());
        Heartbeat heartbeat = new Heartbeat(jdbi);
        Instant lastAlive = heartbeat.last();

        EventBus bus = new EventBus();
        JobPaths paths = new JobPaths(data);
        GridMetrics metrics = new GridMetrics(jdbi);
        JobSpecParser parser = new JobSpecParser(cfg.catalog());
        JobStore jobs = new JobStore(jdbi, parser);
        BackendRegistry backends = new BackendRegistry();
        closeInReverse.add(backends);
        SchedulingLoop[] loopRef = new SchedulingLoop[1];
        runtime = new JobRuntime(jdbi, jobs, bus, paths, federation, backends, WALL, () -> loopRef[0].wake());
        runtime.usageRecorder(new MeteringUsageRecorder(metering));
        runtime.beforeBackendAction(lease::check);
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
        // work the previous leader may still be acting on waits until its lease surely ran out (an embedded
        // database's lock already proves the previous server process is gone)
        Duration quiet = db.isEmbedded() ? Duration.ZERO : lease.previousLeaderQuietIn();
        if (quiet.isZero()) {
            runtime.recover(lastAlive);
        } else {
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
        loop.start();
        closeInReverse.add(loop);
        timers.scheduleAtFixedRate(heartbeat::beat, 0, 5, TimeUnit.SECONDS);
        timers.scheduleAtFixedRate(() -> IdempotencyKeys.prune(jdbi), 1, 60, TimeUnit.MINUTES);
        int slice = metering.sliceSeconds();
        timers.scheduleAtFixedRate(new MeteringSlice(runtime, metering, jobs), slice, slice, TimeUnit.SECONDS);
        HealthSettings health = HealthSettings.from(cfg);
        CenterMonitor monitor = new CenterMonitor(jdbi, federation, backends, runtime, bus, health.downAfter(), loop::wake);
        timers.scheduleWithFixedDelay(monitor::checkAll, 0, health.checkInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Phase 4: the API replaces the standby's small HTTP server on the same port. */
    private void serveApi() {
        List<RouteModule> modules = new ArrayList<>(List.of(new JobRoutes(), new LogRoutes(), new AdminRoutes(),
                new EventRoutes(), new BillingRoutes(metering)));
        modules.addAll(extraModules);
        HttpApi api = new HttpApi(this.api, modules, status);
        int port = front.port();
        front.close();
        http = api.start(options.host(), port);
        status.active();
    }

    /**
     * Leadership is gone: act no more (the lease already refuses every backend action), stop the subsystems,
     * keep answering 503 on the port, and tell the listener (the {@code grid server} command exits non-zero so
     * that a supervisor restarts it as a standby).
     */
    private void failStop(String reason) {
        status.lost(reason);
        if (runtime != null) {
            runtime.shuttingDown();
        }
        Thread t = new Thread(() -> {
            closeAll();
            lostListener.accept(reason);
        }, "grid-fail-stop");
        t.setDaemon(true);
        t.start();
    }

    /** This server's URL as other servers and clients should reach it (the standby's 503s name it). */
    private String selfUrl() {
        if (advertisedUrl != null) {
            return advertisedUrl;
        }
        String host = options.host();
        if ("0.0.0.0".equals(host) || "::".equals(host)) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "127.0.0.1";
            }
        }
        return "http://" + host + ":" + (http != null || front != null ? port() : options.port());
    }

    /** The URL this server announces (default: http://HOST:PORT of where it listens). */
    public GridServer advertise(String url) {
        this.advertisedUrl = url;
        return this;
    }

    /** Hears the one line a standby prints for each active server it waits for. */
    public GridServer onStandby(Consumer<String> listener) {
        this.standbyListener = listener;
        return this;
    }

    /** Hears, once, that this server lost leadership (after its subsystems stopped). */
    public GridServer onLeadershipLost(Consumer<String> listener) {
        this.lostListener = listener;
        return this;
    }

    public ServerStatus status() {
        return status;
    }

    /** The port this server listens on (a standby's too). */
    public int port() {
        HttpApi h = http;
        if (h != null) {
            return h.port();
        }
        StandbyHttp f = front;
        if (f != null) {
            return f.port();
        }
        throw new IllegalStateException("not listening yet");
    }

    public ApiContext api() {
        return api;
    }

    public JobRuntime runtime() {
        return runtime;
    }

    public Federation federationState() {
        return federation;
    }

    public Metering metering() {
        return metering;
    }

    public Database database() {
        return db;
    }

    @Override
    public void close() {
        stopRequested = true;
        status.stopping();
        if (runtime != null) {
            runtime.shuttingDown();
        }
        HttpApi h = http;
        if (h != null) {
            h.close();
        }
        closeAll();
        StandbyHttp f = front;
        if (f != null) {
            f.close();
        }
    }

    /** Closes what was started, newest first, each once (fail-stop and close may race). */
    private void closeAll() {
        while (true) {
            AutoCloseable c;
            synchronized (closeInReverse) {
                if (closeInReverse.isEmpty()) {
                    return;
                }
                c = closeInReverse.remove(closeInReverse.size() - 1);
            }
            try {
                c.close();
            } catch (Exception e) {
                log.warn("while stopping: {}", e.toString());
            }
        }
    }
}
