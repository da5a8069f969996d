package io.computegrid.server;

import io.computegrid.config.FederationConfig;
import io.computegrid.config.FederationConfigParser;
import io.computegrid.metering.Metering;
import io.computegrid.server.api.ApiContext;
import io.computegrid.server.api.HttpApi;
import io.computegrid.server.api.RouteModule;
import io.computegrid.server.federation.DemoFederation;
import io.computegrid.server.federation.Federation;
import io.computegrid.server.leadership.Campaign;
import io.computegrid.server.leadership.ServerStatus;
import io.computegrid.server.leadership.StandbyHttp;
import io.computegrid.server.runtime.JobRuntime;
import io.computegrid.store.DataDirLock;
import io.computegrid.store.Database;
import io.computegrid.store.Postgres;
import io.computegrid.store.leadership.Lease;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
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
    private volatile Subsystems subsystems;
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
        io.computegrid.server.agent.Agents.validate(cfg);
        return cfg;
    }

    /**
     * Starts the server in phases: open the database, win leadership, start the subsystems, serve the API. A standby blocks in the second phase, answering on its port, until the
     * active server stops. Fails with {@link DataDirLock.HeldException} when another server holds the data dir.
     */
    public GridServer start() throws IOException {
        long t0 = System.nanoTime();
        long migratedAt;
        long startedAt;
        try {
            FederationConfig cfg = federation(options);
            Postgres pg = openDatabase();                 // 1. the data-dir lock, the port (503), PostgreSQL
            Lease lease = winLeadership(pg);              // 2. a standby waits here; the winner migrates and fences
            migratedAt = System.nanoTime();
            startSubsystems(cfg, lease);                  // 3. everything that acts (Subsystems)
            startedAt = System.nanoTime();
            serveApi();                                   // 4. the API takes over the port: ready
        } catch (InterruptedException e) {
            close();
            throw new IllegalStateException("stopped while standing by");
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        long now = System.nanoTime();
        log.info("ready in {} ms (epoch {}; since leadership was won: migrations {} ms, subsystems {} ms, API {} ms)",
                (now - t0) / 1_000_000, db.lease().epoch(), (migratedAt - wonAt) / 1_000_000,
                (startedAt - migratedAt) / 1_000_000, (now - startedAt) / 1_000_000);
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
     * Phase 3, on the active server only: everything that acts on the federation (see {@link Subsystems}, where a
     * new subsystem is wired).
     */
    private void startSubsystems(FederationConfig cfg, Lease lease) throws IOException {
        subsystems = Subsystems.start(options, cfg, db, lease, closeInReverse);
    }

    /** Phase 4: the API replaces the standby's small HTTP server on the same port. */
    private void serveApi() {
        List<RouteModule> modules = new ArrayList<>(subsystems.routeModules());
        modules.addAll(extraModules);
        HttpApi api = new HttpApi(subsystems.api(), modules, status);
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
        Subsystems sub = subsystems;
        if (sub != null) {
            sub.runtime().shuttingDown();
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
        return subsystems.api();
    }

    public JobRuntime runtime() {
        return subsystems.runtime();
    }

    public Federation federationState() {
        return subsystems.federation();
    }

    public Metering metering() {
        return subsystems.metering();
    }

    public Database database() {
        return db;
    }

    @Override
    public void close() {
        stopRequested = true;
        status.stopping();
        Subsystems sub = subsystems;
        if (sub != null) {
            sub.runtime().shuttingDown();
            sub.beforeHttpStops();
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
