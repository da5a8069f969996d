package io.computegrid.server;

import io.computegrid.config.FederationConfig;
import io.computegrid.config.FederationConfigParser;
import io.computegrid.model.Center;
import io.computegrid.model.Clock;
import io.computegrid.model.Role;
import io.computegrid.model.Tenant;
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
import io.computegrid.server.jobs.JobPaths;
import io.computegrid.server.jobs.JobService;
import io.computegrid.server.jobs.JobStore;
import io.computegrid.server.metrics.GridMetrics;
import io.computegrid.metering.Metering;
import io.computegrid.metering.budget.Overrun;
import io.computegrid.metering.budget.RunningJob;
import io.computegrid.server.billing.BillingRoutes;
import io.computegrid.server.billing.BudgetCheck;
import io.computegrid.server.billing.FundsGate;
import io.computegrid.server.billing.MeteringUsageRecorder;
import io.computegrid.server.console.ConsoleRoutes;
import io.computegrid.server.stats.StatsRoutes;
import io.computegrid.server.runtime.BackendRegistry;
import io.computegrid.server.runtime.CenterMonitor;
import io.computegrid.server.runtime.JobRuntime;
import io.computegrid.server.scheduling.SchedulingLoop;
import io.computegrid.server.serving.Serving;
import io.computegrid.spec.JobSpecParser;
import io.computegrid.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane: store, federation, scheduler loop, backends and HTTP API, started in that
 * order and stopped in reverse. A restart on the same data directory or database continues where
 * the last run stopped.
 */
public final class GridServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GridServer.class);
    static final Clock WALL = System::currentTimeMillis;

    private final ServerOptions options;
    private final List<AutoCloseable> closeInReverse = new ArrayList<>();
    private volatile boolean ready;
    private Database db;
    private HttpApi http;
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
        return cfg;
    }

    public GridServer start() throws IOException {
        long t0 = System.nanoTime();
        Path data = options.dataDir();
        Files.createDirectories(data);
        FederationConfig cfg = federation(options);
        db = options.dbUrl() == null ? Database.embedded(data)
                : Database.external(options.dbUrl(), options.dbUser(), options.dbPassword());
        closeInReverse.add(db);
        var jdbi = db.jdbi();
        federation = new Federation(jdbi, cfg);
        federation.applyConfig();
        metering = new Metering(jdbi, federation.current());
        federation.onReload(metering::syncConfig);
        TokenService tokens = new TokenService(jdbi);
        bootstrapTokens(tokens, data, cfg);
        Instant lastAlive = readHeartbeat(jdbi);

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

        runtime.recover(lastAlive);
        loop.start();
        closeInReverse.add(loop);
        Serving serving = new Serving(jdbi, federation, jobs, runtime, bus, tokens, loop::wake, WALL);
        serving.start();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "grid-timers");
            t.setDaemon(true);
            return t;
        });
        closeInReverse.add(timers::shutdownNow);
        timers.scheduleAtFixedRate(() -> heartbeat(jdbi), 0, 5, TimeUnit.SECONDS);
        int slice = metering.sliceSeconds();
        timers.scheduleAtFixedRate(this::meterQuietly, slice, slice, TimeUnit.SECONDS);
        HealthSettings health = HealthSettings.from(cfg);
        CenterMonitor monitor = new CenterMonitor(jdbi, federation, backends, runtime, bus, health.downAfter(), loop::wake);
        timers.scheduleWithFixedDelay(monitor::checkAll, 0, health.checkInterval().toMillis(), TimeUnit.MILLISECONDS);

        List<RouteModule> modules = new ArrayList<>(List.of(new JobRoutes(), new LogRoutes(), new AdminRoutes(),
                new EventRoutes(), new BillingRoutes(metering), new ConsoleRoutes(), new StatsRoutes()));
        modules.addAll(serving.routes());
        modules.addAll(extraModules);
        http = new HttpApi(api, modules, () -> ready).start(options.host(), options.port());
        closeInReverse.add(http);
        closeInReverse.add(serving); // stopped before HTTP: requests it holds get their 503 while HTTP still answers
        ready = true;
        log.info("ready in {} ms", (System.nanoTime() - t0) / 1_000_000);
        return this;
    }

    /** A metering slice: usage of every running task, budget caps, voucher expiry. */
    private void meterQuietly() {
        try {
            List<Overrun> over = new ArrayList<>();
            runtime.meterRunning((h, running) -> over.addAll(metering.overruns(h, running.stream()
                    .map(j -> new RunningJob(j.id(), j.tenant(), api.jobs().spec(j.specJson()).budget())).toList())));
            for (Overrun o : over) {
                if (o.stop()) {
                    runtime.stop(o.jobId(), "CANCEL", "stopped at its budget cap: " + o.reason());
                } else {
                    log.warn("job={} tenant={} event=BUDGET_ALERT msg=\"{}\"", o.jobId(), o.tenant(), o.reason());
                }
            }
            metering.expireDueVouchers();
        } catch (RuntimeException e) {
            log.warn("periodic metering failed: {}", e.toString());
        }
    }

    private static void heartbeat(org.jdbi.v3.core.Jdbi jdbi) {
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO settings(key, value) VALUES ('last_alive', :v) "
                    + "ON CONFLICT (key) DO UPDATE SET value = :v").bind("v", Instant.now().toString()).execute());
        } catch (RuntimeException e) {
            log.warn("heartbeat failed: {}", e.toString());
        }
    }

    private static Instant readHeartbeat(org.jdbi.v3.core.Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT value FROM settings WHERE key = 'last_alive'")
                .mapTo(String.class).findOne()).map(Instant::parse).orElse(Instant.now());
    }

    /** The first admin token goes to DIR/admin.token (mode 600); demo tenants get member tokens beside it. */
    private void bootstrapTokens(TokenService tokens, Path data, FederationConfig cfg) throws IOException {
        if (!tokens.any(Role.ADMIN)) {
            writeSecret(data.resolve("admin.token"), tokens.create(Role.ADMIN, null, "bootstrap admin").token());
        }
        if (options.demo()) {
            Path dir = data.resolve("demo-tokens");
            Files.createDirectories(dir);
            for (Tenant t : DemoFederation.config().tenants()) {
                Path f = dir.resolve(t.name() + ".token");
                if (!Files.exists(f)) {
                    writeSecret(f, tokens.create(Role.MEMBER, t.name(), "demo member").token());
                }
            }
        }
    }

    static void writeSecret(Path file, String secret) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, secret + "\n");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public int port() {
        return http.port();
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
        ready = false;
        if (runtime != null) {
            runtime.shuttingDown();
        }
        for (int i = closeInReverse.size() - 1; i >= 0; i--) {
            try {
                closeInReverse.get(i).close();
            } catch (Exception e) {
                log.warn("while stopping: {}", e.toString());
            }
        }
        closeInReverse.clear();
    }
}
