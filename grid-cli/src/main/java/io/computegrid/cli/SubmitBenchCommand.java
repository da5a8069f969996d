package io.computegrid.cli;

import io.computegrid.server.bench.SubmitBenchmark;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grid bench submit}: durable HTTP submissions against the raw insert rate of the same database. */
@Command(name = "submit", mixinStandardHelpOptions = true,
            description = "Durable submissions over HTTP with concurrent clients vs raw inserts (same run).")
public final class SubmitBenchCommand implements Callable<Integer> {
    @Option(names = "--clients", description = "Concurrent clients (default 16)")
    int clients = 16;
    @Option(names = "--rate", description = "Offered load for the latency phase, submissions/s (default 500)")
    int rate = 500;
    @Option(names = "--seconds", description = "Measured seconds per phase (default 10)")
    int seconds = 10;
    @Option(names = {"-o", "--output"}, description = "text or json")
    String output = "text";

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || clients > 256 || seconds < 1 || seconds > 600) {
            throw new CliException("--clients must be 1-256 and --seconds 1-600", 2);
        }
        boolean json = "json".equals(output);
        Map<String, Object> r = SubmitBenchmark.run(clients, seconds, rate, m -> System.err.println("bench submit: " + m));
        if (json) {
            Output.json(r);
        } else {
            r.forEach((k, v) -> System.out.println(k + ": " + v));
        }
        return 0;
    }
}
