package io.computegrid.cli;

import io.computegrid.server.GridServer;
import io.computegrid.server.ServerOptions;
import io.computegrid.store.DataDirLock;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grid server}: the control plane, with an embedded PostgreSQL unless --db-url is given. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Run the computegrid server (embedded PostgreSQL by default).",
                "Several servers on one --db-url database: one is active, the others stand by and take over when it "
                        + "stops (docs/high-availability.md). A second server on the same embedded --data is refused."})
public final class ServerCommand implements Callable<Integer> {
    /** Exit code of a server that lost leadership (a supervisor restarts it; it comes back as a standby). */
    static final int LOST_LEADERSHIP = 3;
    /** Exit code of a server refused because another one holds its data directory. */
    static final int DATA_DIR_IN_USE = 4;

    @Option(names = "--port", description = "HTTP port (default 8080; 0 picks a free one)")
    int port = 8080;
    @Option(names = "--host", description = "Address to listen on (default 127.0.0.1)")
    String host = "127.0.0.1";
    @Option(names = "--data", description = "Data directory (default ~/.computegrid)")
    Path data = Path.of(System.getProperty("user.home"), ".computegrid");
    @Option(names = "--db-url", description = "JDBC URL of an external PostgreSQL")
    String dbUrl;
    @Option(names = "--db-user", description = "External PostgreSQL user")
    String dbUser;
    @Option(names = "--db-password", description = "External PostgreSQL password (or $GRID_DB_PASSWORD)")
    String dbPassword;
    @Option(names = "--demo", description = "Add the demo federation (local centers, tenants, quotas)")
    boolean demo;
    @Option(names = "--config", description = "Federation file: centers, pools, tenants, quotas")
    Path config;
    @Option(names = "--policy", description = "Scheduling policy (default: default)")
    String policy;
    @Option(names = "--advertise-url", paramLabel = "URL",
            description = "The URL other servers and clients reach this one at (default http://HOST:PORT)")
    String advertiseUrl;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new CliException("--port: must be between 0 and 65535", 2);
        }
        if (config != null && !java.nio.file.Files.isReadable(config)) {
            throw new CliException("--config: cannot read " + config, 2);
        }
        String pw = dbPassword != null ? dbPassword : System.getenv("GRID_DB_PASSWORD");
        ServerOptions o = new ServerOptions(host, port, data.toAbsolutePath(), dbUrl, dbUser, pw, demo, config, policy);
        GridServer.federation(o); // validate the config before touching the data directory
        if (advertiseUrl != null && !advertiseUrl.matches("https?://[^\\s/]+(/\\S*)?")) {
            throw new CliException("--advertise-url: must be an http:// or https:// URL", 2);
        }
        GridServer server = ServerLauncher.withExtensions(new GridServer(o)).advertise(advertiseUrl)
                .onStandby(line -> {
                    System.out.println(line);
                    System.out.flush();
                })
                .onLeadershipLost(reason -> {
                    System.err.println("grid server: lost leadership (" + reason + "); stopped acting and exiting so "
                            + "that it can come back as a standby");
                    System.err.flush();
                    System.exit(LOST_LEADERSHIP); // the shutdown hook closes the port
                });
        CountDownLatch stopped = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean terminating = new java.util.concurrent.atomic.AtomicBoolean();
        Thread hook = new Thread(() -> {
            terminating.set(true);
            server.close();
            stopped.countDown();
        }, "grid-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            server.start();
        } catch (DataDirLock.HeldException e) {
            throw new CliException(e.getMessage(), DATA_DIR_IN_USE);
        } catch (IllegalStateException e) {
            if (terminating.get()) {
                stopped.await(); // SIGTERM while standing by: the shutdown hook finishes the job
                return 0;
            }
            throw new CliException(e.getMessage(), 1); // for example: cannot use the database (wrong password)
        }
        String url = "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + server.port();
        Path token = o.dataDir().resolve("admin.token");
        System.out.println("computegrid is ready at " + url);
        System.out.println("  admin token: " + token + (java.nio.file.Files.exists(token) ? "" : " (written on first start)"));
        if (demo) {
            System.out.println("  demo member tokens: " + o.dataDir().resolve("demo-tokens"));
        }
        System.out.println("  try: GRID_URL=" + url + " GRID_TOKEN=$(cat " + token + ") bin/grid submit -f examples/hello.yaml --wait");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
