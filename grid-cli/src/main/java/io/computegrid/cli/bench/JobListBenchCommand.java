package io.computegrid.cli.bench;

import io.computegrid.cli.CliException;
import io.computegrid.cli.Output;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grid bench joblist}: the job list API and the console's jobs page at N jobs vs a small reference store. */
@Command(name = "joblist", mixinStandardHelpOptions = true,
        description = "Job list API and console jobs page p50/p95 at --jobs jobs vs --reference jobs (same run); "
                + "needs Debian's chromium (scripts/browser/install.sh).")
public final class JobListBenchCommand implements Callable<Integer> {
    @Option(names = "--jobs", defaultValue = "100000", description = "jobs in the measured store (default ${DEFAULT-VALUE})")
    int jobs;
    @Option(names = "--reference", defaultValue = "1000", description = "jobs in the reference store (default ${DEFAULT-VALUE})")
    int reference;
    @Option(names = "--requests", defaultValue = "60", description = "API calls per query kind (default ${DEFAULT-VALUE})")
    int requests;
    @Option(names = "--loads", defaultValue = "20", description = "console page loads per page kind (default ${DEFAULT-VALUE})")
    int loads;
    @Option(names = {"-o", "--output"}, description = "json for one JSON document")
    String output;

    @Override
    public Integer call() throws Exception {
        if (jobs < 100 || jobs > 5_000_000 || reference < 100 || reference > jobs) {
            throw new CliException("--jobs must be 100-5,000,000 and --reference 100 up to --jobs", 2);
        }
        if (requests < 1 || requests > 10_000 || loads < 1 || loads > 1_000) {
            throw new CliException("--requests must be 1-10,000 and --loads 1-1,000", 2);
        }
        if (output != null && !"json".equals(output)) {
            throw new CliException("-o takes json", 2);
        }
        Map<String, Object> r;
        try {
            r = JobListBenchmark.run(new JobListBenchmark.Options(jobs, reference, requests, loads,
                    m -> System.err.println("bench joblist: " + m)));
        } catch (IllegalStateException e) {
            throw new CliException(e.getMessage(), 1);
        }
        if ("json".equals(output)) {
            Output.json(r);
            return 0;
        }
        System.out.printf("job list benchmark: %,d jobs vs %,d (reference), pages of %s%n", jobs, reference, r.get("page"));
        print("reference", r.get("reference"));
        print("measured", r.get("measured"));
        System.out.printf("  p95 API %.1f ms (%.2fx the reference), console page %.1f ms (%.2fx); goal < %.0f ms: %s%n",
                r.get("apiP95Millis"), r.get("apiP95VsReference"), r.get("browserP95Millis"),
                r.get("browserP95VsReference"), r.get("goalMillis"), (Boolean) r.get("meetsGoal") ? "met" : "NOT met");
        return 0;
    }

    @SuppressWarnings("unchecked")
    private static void print(String label, Object m) {
        System.out.println("  " + label + ":");
        ((Map<String, Map<String, Double>>) m).forEach((k, v) -> System.out.printf("    %-24s p50 %8.1f ms  p95 %8.1f ms%n",
                k, v.get("p50"), v.get("p95")));
    }
}
