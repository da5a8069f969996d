package io.computegrid.cli.serving;

import io.computegrid.cli.CliException;
import io.computegrid.cli.Output;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grid load}: a bounded loopback load generator (closed loop, or an open-loop rate with a cap). */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Load a loopback URL for a bounded time: latency percentiles, errors, throughput.")
public final class LoadCommand implements Callable<Integer> {
    @Option(names = "--url", required = true, description = "Loopback URL, e.g. http://127.0.0.1:8080/serve/acme/chat/v1/completions")
    String url;
    @Option(names = "--token", description = "Bearer token (default: $GRID_TOKEN)")
    String token;
    @Option(names = "--concurrency", required = true, description = "Clients (closed loop) or the cap on outstanding requests (with --rate)")
    int concurrency;
    @Option(names = "--rate", description = "Open loop: requests per second (default: closed loop)")
    double rate;
    @Option(names = "--duration", required = true, description = "How long, e.g. 30s (at most 1h)")
    String duration;
    @Option(names = "--max-requests", description = "Stop after this many (default 1000000)")
    long maxRequests = 1_000_000;
    @Option(names = {"-X", "--method"}, description = "HTTP method (default POST with --body, else GET)")
    String method;
    @Option(names = "--body", description = "Request body (JSON), e.g. '{\"prompt\": \"hi\"}'")
    String body;
    @Option(names = "--timeout", description = "Per-request timeout (default 60s)")
    String timeout = "60s";
    @Option(names = {"-o", "--output"}, description = "text (default) or json")
    String output = "text";

    @Override
    public Integer call() throws Exception {
        if (!"text".equals(output) && !"json".equals(output)) {
            throw new CliException("-o: unknown output format '" + output + "' (use text or json)", 2);
        }
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new CliException("--url: '" + url + "' is not a URL", 2);
        }
        String t = token != null ? token : System.getenv("GRID_TOKEN");
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String m = method != null ? method.toUpperCase(Locale.ROOT) : b.length > 0 ? "POST" : "GET";
        LoadGenerator gen;
        try {
            Duration d = ModelServerCommand.Durations.parse(duration, "--duration");
            gen = new LoadGenerator(new LoadGenerator.Options(u, t, m, b, concurrency, rate, d, maxRequests,
                    ModelServerCommand.Durations.parse(timeout, "--timeout")));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), 2);
        }
        LoadGenerator.Result r = gen.run(line -> System.err.println("load: " + line));
        Map<String, Object> res = r.toMap();
        if ("json".equals(output)) {
            Output.json(res);
        } else {
            System.out.printf(Locale.ROOT, "%d requests in %.1f s (%.1f/s), %d errors%s%n", r.requests(), r.seconds(),
                    r.throughput(), r.errors(), r.skipped() > 0 ? ", " + r.skipped() + " skipped at the cap" : "");
            System.out.printf(Locale.ROOT, "latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  mean %.2f%n",
                    r.p50Millis(), r.p90Millis(), r.p99Millis(), r.maxMillis(), r.meanMillis());
            System.out.println("statuses: " + r.statuses());
            if (!r.replicas().isEmpty()) {
                System.out.println("replicas (X-Grid-Replica): " + r.replicas());
            }
        }
        return r.requests() > 0 && r.errors() == 0 ? 0 : 1;
    }
}
