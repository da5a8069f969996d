package io.computegrid.cli.serving;

import io.computegrid.cli.CliException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grid model-server}: the built-in demo replica for {@code kind: service} (examples/service.yaml). */
@Command(name = "model-server", mixinStandardHelpOptions = true,
        description = "A demo inference replica: HTTP on $GRID_PORT with /healthz, /v1/completions, /echo, /v1/stream.")
public final class ModelServerCommand implements Callable<Integer> {
    @Option(names = "--port", description = "Port (default: $GRID_PORT, then $PORT, then 8000)")
    Integer port;
    @Option(names = "--host", description = "Address to listen on (default: $GRID_HOST when it is a loopback "
            + "address, all interfaces when $GRID_HOST is another (an agent's advertised address), else 127.0.0.1)")
    String host;
    @Option(names = "--latency", description = "Simulated inference time per request, e.g. 20ms (default 20ms)")
    String latency = "20ms";
    @Option(names = "--jitter", description = "Extra random time up to this, e.g. 5ms (default 0)")
    String jitter = "0ms";
    @Option(names = "--warmup", description = "Answer /healthz with 503 for this long after start (default 0)")
    String warmup = "0ms";
    @Option(names = "--model", description = "Model name reported in answers (default tiny-echo)")
    String model = "tiny-echo";

    @Override
    public Integer call() throws Exception {
        int p = port != null ? port : envPort();
        String host = this.host != null ? this.host : listenHost(System.getenv("GRID_HOST"));
        if (p < 0 || p > 65535) {
            throw new CliException("--port: must be between 0 and 65535", 2);
        }
        ModelServer.Options o = new ModelServer.Options(host, p, Durations.parse(latency, "--latency"),
                Durations.parse(jitter, "--jitter"), Durations.parse(warmup, "--warmup"), model);
        ModelServer server;
        try {
            server = new ModelServer(o);
        } catch (java.net.BindException e) {
            throw new CliException("cannot listen on " + host + ":" + p + " (" + e.getMessage() + ")");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "model-server-shutdown"));
        System.out.println("model-server " + model + " listening on " + host + ":" + server.port() + " (latency "
                + o.latency().toMillis() + " ms)");
        System.out.flush();
        stopped.await();
        return 0;
    }

    /**
     * Where to listen so that the gateway reaches this replica at {@code $GRID_HOST}: there when it is loopback (the
     * server's own local centers); on all interfaces otherwise, since an advertised address may be a NAT's or a
     * name, which cannot be bound.
     */
    static String listenHost(String gridHost) {
        if (gridHost == null || gridHost.isBlank()) {
            return "127.0.0.1";
        }
        String h = gridHost.trim();
        boolean loopback = h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
        return loopback ? h : "0.0.0.0";
    }

    private static int envPort() {
        for (String v : new String[]{"GRID_PORT", "PORT"}) {
            String s = System.getenv(v);
            if (s != null && !s.isBlank()) {
                try {
                    return Integer.parseInt(s.trim());
                } catch (NumberFormatException e) {
                    throw new CliException("$" + v + ": '" + s + "' is not a port", 2);
                }
            }
        }
        return 8000;
    }

    /** Durations as the specs write them (20ms, 1s, 2m, 1h30m; 0 for none), without loading the spec parser. */
    static final class Durations {
        private static final java.util.regex.Pattern PART = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h)");

        private Durations() {
        }

        static Duration parse(String s, String option) {
            String t = s.trim();
            if (t.matches("0+")) {
                return Duration.ZERO;
            }
            if (!t.matches("((\\d{1,9})(ms|s|m|h)){1,4}")) {
                throw new CliException(option + ": '" + s + "' is not a duration such as 20ms, 5s or 2m", 2);
            }
            Duration d = Duration.ZERO;
            java.util.regex.Matcher m = PART.matcher(t);
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                d = d.plus(switch (m.group(2)) {
                    case "h" -> Duration.ofHours(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "s" -> Duration.ofSeconds(n);
                    default -> Duration.ofMillis(n);
                });
            }
            return d;
        }
    }
}
