package io.computegrid.cli.serving;

import io.computegrid.cli.CliException;
import io.computegrid.cli.Output;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grid bench gateway} and {@code grid bench autoscale}. */
public final class ServingBenchCommands {
    private ServingBenchCommands() {
    }

    static void output(String o) {
        if (!"text".equals(o) && !"json".equals(o)) {
            throw new CliException("-o: unknown output format '" + o + "' (use text or json)", 2);
        }
    }

    /** The figures: one JSON document with -o json, else one "key: value" line each. */
    static int print(String o, Map<String, Object> figures) {
        if ("json".equals(o)) {
            Output.json(figures);
        } else {
            figures.forEach((k, v) -> System.out.println(k + ": " + v));
        }
        return 0;
    }

    @Command(name = "gateway", mixinStandardHelpOptions = true,
            description = "Gateway overhead: p50/p99 through /serve vs direct to the same replica, interleaved rounds.")
    public static final class Gateway implements Callable<Integer> {
        @Option(names = "--latency", defaultValue = "20", description = "Replica's simulated inference ms (default ${DEFAULT-VALUE})")
        long latency;
        @Option(names = "--concurrency", defaultValue = "16", description = "Closed-loop clients (default ${DEFAULT-VALUE})")
        int concurrency;
        @Option(names = "--rounds", defaultValue = "6", description = "Interleaved rounds per path (default ${DEFAULT-VALUE})")
        int rounds;
        @Option(names = "--round-seconds", defaultValue = "5", description = "Seconds per round (default ${DEFAULT-VALUE})")
        double roundSeconds;
        @Option(names = "--no-zero-work", description = "Skip the second run with a zero-latency replica")
        boolean noZero;
        @Option(names = {"-o", "--output"}, description = "text (default) or json")
        String output = "text";

        @Override
        public Integer call() throws Exception {
            output(output);
            if (latency < 0 || latency > 10_000 || concurrency < 1 || concurrency > 512 || rounds < 1 || rounds > 100
                    || roundSeconds < 0.2 || roundSeconds > 600) {
                throw new CliException("--latency 0-10000, --concurrency 1-512, --rounds 1-100, --round-seconds 0.2-600", 2);
            }
            return print(output, GatewayBench.run(new GatewayBench.Options(latency, concurrency, rounds, roundSeconds,
                    !noZero), m -> System.err.println("bench gateway: " + m)));
        }
    }

    @Command(name = "autoscale", mixinStandardHelpOptions = true,
            description = "Scale-up reaction: a load step on one warm replica; time to decision and to new replicas ready.")
    public static final class Autoscale implements Callable<Integer> {
        @Option(names = "--repeats", defaultValue = "5", description = "Load steps, each on a fresh service (default ${DEFAULT-VALUE})")
        int repeats;
        @Option(names = "--concurrency", defaultValue = "12", description = "In-flight requests of the step (default ${DEFAULT-VALUE})")
        int concurrency;
        @Option(names = "--target", defaultValue = "2", description = "autoscaling.targetInFlight (default ${DEFAULT-VALUE})")
        double target;
        @Option(names = "--max", defaultValue = "4", description = "replicas.max (default ${DEFAULT-VALUE})")
        int max;
        @Option(names = "--latency", defaultValue = "100", description = "Replica's simulated inference ms (default ${DEFAULT-VALUE})")
        long latency;
        @Option(names = {"-o", "--output"}, description = "text (default) or json")
        String output = "text";

        @Override
        public Integer call() throws Exception {
            output(output);
            if (repeats < 1 || repeats > 50 || concurrency < 1 || concurrency > 512 || target <= 0 || max < 2 || max > 16
                    || latency < 1 || latency > 10_000) {
                throw new CliException("--repeats 1-50, --concurrency 1-512, --target > 0, --max 2-16, --latency 1-10000", 2);
            }
            return print(output, AutoscaleBench.run(new AutoscaleBench.Options(repeats, concurrency, target, max,
                    latency), m -> System.err.println("bench autoscale: " + m)));
        }
    }
}
