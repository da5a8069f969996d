package io.computegrid.cli;

import io.computegrid.bench.SchedulerBench;
import io.computegrid.cli.serving.ServingBenchCommands;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/** {@code grid bench}: benchmarks that print ratios against a reference measured in the same run. */
@Command(name = "bench", description = "Run a benchmark and print ratios against a reference measured in the same run.",
        subcommands = {BenchCommand.SchedulerBenchCommand.class, SubmitBenchCommand.class, FailoverBenchCommand.class,
                ServingBenchCommands.Gateway.class, ServingBenchCommands.Autoscale.class,
                io.computegrid.cli.bench.JobListBenchCommand.class}, mixinStandardHelpOptions = true)
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        System.err.println("grid bench: name a benchmark (scheduler, submit, failover, joblist, gateway, autoscale)");
        return 2;
    }

    /** {@code grid bench scheduler}: the default policy against the naive full-scan first-fit reference. */
    @Command(name = "scheduler", mixinStandardHelpOptions = true,
            description = "Placements per second of the default policy vs the naive reference, and cycle p99.")
    static final class SchedulerBenchCommand implements Callable<Integer> {
        @Option(names = "--nodes", defaultValue = "5000", description = "nodes of 8 cards (default ${DEFAULT-VALUE})")
        int nodes;
        @Option(names = "--pending", defaultValue = "50000", description = "pending jobs (default ${DEFAULT-VALUE})")
        int pending;
        @Option(names = "--tenants", defaultValue = "100", description = "tenants (default ${DEFAULT-VALUE})")
        int tenants;
        @Option(names = "--cycles", defaultValue = "12", description = "cycles of the default policy")
        int cycles;
        @Option(names = "--naive-cycles", defaultValue = "3", description = "cycles of the naive reference (0: skip)")
        int naiveCycles;
        @Option(names = "--seed", defaultValue = "42")
        long seed;
        @Option(names = "--reference-pending", defaultValue = "-1", paramLabel = "N",
                description = "also drive N pending jobs, interleaved, and report the cycle p99 ratio "
                        + "(default: 50000 when --pending is larger, else none; 0: none)")
        int referencePending;
        @Option(names = "--policy", defaultValue = "default", description = "policy measured (default ${DEFAULT-VALUE})")
        String policy;
        @Option(names = {"-o", "--output"}, description = "json for one JSON document")
        String output;

        @Override
        public Integer call() {
            int reference = referencePending >= 0 ? referencePending : pending > 50_000 ? 50_000 : 0;
            if (nodes < 1 || pending < 0 || tenants < 1 || cycles < 1 || naiveCycles < 0) {
                System.err.println("grid bench scheduler: --nodes, --tenants and --cycles must be positive");
                return 2;
            }
            if (output != null && !"json".equals(output)) {
                System.err.println("grid bench scheduler: -o takes json");
                return 2;
            }
            SchedulerBench.Result r;
            try {
                r = SchedulerBench.run(new SchedulerBench.Options(nodes, pending, tenants, cycles, naiveCycles, seed,
                        policy, true, reference));
            } catch (IllegalArgumentException e) {
                System.err.println("grid bench scheduler: " + e.getMessage());
                return 2;
            }
            Map<String, Object> m = r.toMap();
            if ("json".equals(output)) {
                System.out.println(JsonMapper.builder().build().writeValueAsString(m));
                return 0;
            }
            System.out.printf("scheduler benchmark: %d nodes x 8 cards, %d pending jobs, %d tenants, policy %s%n",
                    r.nodes(), r.pending(), r.tenants(), r.policy());
            System.out.printf("  %-8s %,12.0f placements/s  (%d placements in %d cycles)%n", r.policy(),
                    r.placementsPerSecond(), r.placements(), r.cycles());
            if (r.naiveCycles() > 0) {
                System.out.printf("  %-8s %,12.0f placements/s  (%d placements in %d cycles)%n", "naive",
                        r.naivePlacementsPerSecond(), r.naivePlacements(), r.naiveCycles());
                System.out.printf("  speed-up vs naive: %.1fx%n", r.speedupVsNaive());
            }
            System.out.printf("  cycle: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", r.cycleP50Millis(), r.cycleP99Millis(),
                    r.cycleMaxMillis());
            if (r.referencePending() > 0) {
                System.out.printf("  reference with %,d pending (interleaved): cycle p99 %.1f ms; ratio %.2fx%n",
                        r.referencePending(), r.referenceCycleP99Millis(), r.cycleP99VsReference());
            }
            System.out.printf("  heap: %.0f bytes per pending job%n", r.heapBytesPerPendingJob());
            return 0;
        }
    }
}
