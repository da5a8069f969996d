package io.computegrid.cli;

import io.computegrid.sim.ProgressListener;
import io.computegrid.sim.SimOptions;
import io.computegrid.sim.SimResult;
import io.computegrid.sim.SimulationRunner;
import io.computegrid.sim.report.ReportWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code grid simulate}: replays a trace through the production scheduler with a virtual clock
 * (CONTRACT.md, Simulator). The work is done by {@link SimulationRunner} in grid-sim.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Replay a trace through the scheduler with a virtual clock.")
public final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--trace", required = true, paramLabel = "FILE", description = "Trace file.")
    Path trace;

    @Option(names = "--format", paramLabel = "philly|openb|csv",
            description = "Trace format (default: guessed from the header row).")
    String format;

    @Option(names = "--federation", paramLabel = "FED.yaml", description = "Federation file (centers, tenants).")
    Path federation;

    @Option(names = "--openb-nodes", paramLabel = "NODES.csv",
            description = "Build the federation from an openb node list instead of --federation.")
    Path openbNodes;

    @Option(names = "--policy", defaultValue = "default", paramLabel = "NAME",
            description = "fifo, backfill, sjf, las, drf, bestfit or default (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--compare", split = ",", paramLabel = "a,b,c",
            description = "Run several policies on the same trace and report them side by side.")
    List<String> compare;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write summary.json, jobs.csv, timeseries.csv and report.html here.")
    Path out;

    @Option(names = {"-o", "--output"}, paramLabel = "json", description = "Output format: json for one JSON document.")
    String output;

    @Option(names = "--fill", description = "The packing experiment: arrivals in order, no departures, until GPU "
            + "requests reach 100%% of capacity (summary holds gpuAllocationRatio).")
    boolean fill;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed for random choices.")
    long seed;

    @Option(names = "--tenant-centers", description = "Each tenant runs only in the center named after it, and each "
            + "center schedules its own queue (Philly virtual clusters).")
    boolean tenantCenters;

    @Option(names = "--restart-overhead", defaultValue = "60", paramLabel = "SECONDS",
            description = "Restart time of a preempted job (default: ${DEFAULT-VALUE}).")
    double restartOverhead;

    @Option(names = "--checkpoint-interval", defaultValue = "1800", paramLabel = "SECONDS",
            description = "Run time between checkpoints; 0 continuous, -1 never (default: ${DEFAULT-VALUE}).")
    double checkpointInterval;

    @Option(names = "--speed", paramLabel = "MODEL=FACTOR",
            description = "Relative speed of trace jobs on a model (repeatable; default 1).")
    Map<String, Double> speeds = new LinkedHashMap<>();

    @Option(names = "--tick", defaultValue = "0", paramLabel = "SECONDS",
            description = "Also run the scheduler this often while jobs wait (default: only on arrivals/ends).")
    double tick;

    @Option(names = "--window", paramLabel = "FROM,TO", description = "Replay only jobs submitted in [FROM, TO): "
            + "dates (2017-10-01) for philly, seconds from trace start otherwise; either side may be empty.")
    String window;

    @Option(names = "--load", defaultValue = "1", paramLabel = "FACTOR", description = "Replay arrivals FACTOR "
            + "times as fast as recorded: the same jobs in 1/FACTOR of the time, for \"what if demand grew\" "
            + "(default: ${DEFAULT-VALUE}).")
    double load;

    @Option(names = "--progress", description = "Show a progress bar even when stderr is not a terminal.")
    boolean progress;

    @Override
    public Integer call() {
        PrintStream err = System.err;
        try {
            long ckpt = checkpointInterval < 0 ? -1 : Math.round(checkpointInterval * 1000);
            SimOptions options = new SimOptions(policy, Math.round(restartOverhead * 1000), ckpt, speeds,
                    tenantCenters, fill, seed, Math.round(tick * 1000), 0);
            List<String> policies = compare == null || compare.isEmpty() ? List.of(policy) : compare;
            boolean json = output != null && output.toLowerCase(Locale.ROOT).equals("json");
            if (output != null && !json && !output.equalsIgnoreCase("text")) {
                err.println("grid simulate: -o takes json or text, not '" + output + "'");
                return 2;
            }
            boolean bar = progress || stderrIsTerminal();
            List<Bar> bars = new ArrayList<>();
            SimulationRunner.Outcome outcome = SimulationRunner.run(new SimulationRunner.Request(trace, format,
                    federation, openbNodes, policies, out, options, window, load), System::nanoTime, bar ? p -> {
                        Bar b = new Bar(p, err);
                        bars.add(b);
                        return b;
                    } : null, ReplayCostSink::new);
            bars.forEach(Bar::done);
            if (json) {
                System.out.println(ReportWriter.json(outcome.document()));
            } else {
                printTable(outcome.results());
                if (out != null) {
                    System.out.println("report: " + out.resolve("report.html"));
                }
            }
            return 0;
        } catch (UncheckedIOException e) {
            err.println("grid simulate: " + oneLine(e.getMessage()));
            return 1;
        } catch (RuntimeException e) {
            err.println("grid simulate: " + oneLine(e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        }
    }

    /** Whether stderr is a terminal (Linux: where fd 2 points; elsewhere: whether there is a console). */
    static boolean stderrIsTerminal() {
        try {
            String target = java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    private static String oneLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static void printTable(List<SimResult> results) {
        String[] keys = fillMode(results) ? new String[]{"jobs", "placed", "unscheduled", "gpuAllocationRatio",
            "requestedGpuRatio", "wallSeconds"}
            : new String[]{"jobs", "finished", "rejected", "avgJctSeconds", "p50JctSeconds", "p99JctSeconds",
                "avgQueueSeconds", "avgSlowdown", "makespanSeconds", "utilization", "jainFairness", "preemptions",
                "wallSeconds"};
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-26s", "policy"));
        for (SimResult r : results) {
            b.append(String.format(Locale.ROOT, "%16s", r.policy()));
        }
        System.out.println(b);
        List<Map<String, Object>> sums = results.stream().map(SimResult::summary).toList();
        for (String k : keys) {
            b = new StringBuilder(String.format(Locale.ROOT, "%-26s", k));
            for (Map<String, Object> s : sums) {
                Object v = s.get(k);
                b.append(String.format(Locale.ROOT, "%16s", v instanceof Double d ? String.format(Locale.ROOT,
                        d >= 100 ? "%.0f" : "%.4f", d) : String.valueOf(v)));
            }
            System.out.println(b);
        }
    }

    private static boolean fillMode(List<SimResult> results) {
        return results.get(0).summary().containsKey("gpuAllocationRatio");
    }

    /** A one-line progress bar on stderr. */
    private static final class Bar implements ProgressListener {
        private final String policy;
        private final PrintStream err;
        private int shown = -1;

        Bar(String policy, PrintStream err) {
            this.policy = policy;
            this.err = err;
        }

        @Override
        public void progress(long arrived, long total, long simMillis) {
            int pct = total <= 0 ? 100 : (int) Math.min(100, arrived * 100 / total);
            if (pct == shown) {
                return;
            }
            shown = pct;
            int w = 30;
            int fill = pct * w / 100;
            err.print(String.format(Locale.ROOT, "\r%-10s [%s%s] %3d%%  %,d/%,d jobs  day %.1f", policy,
                    "=".repeat(fill), " ".repeat(w - fill), pct, arrived, total, simMillis / 86_400_000.0));
            err.flush();
        }

        void done() {
            if (shown >= 0) {
                err.println();
            }
        }
    }

    /** Runs the command on its own (until the main CLI registers it), with one-line usage errors. */
    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new SimulateCommand());
        cl.setParameterExceptionHandler((ex, a) -> {
            System.err.println("grid simulate: " + oneLine(ex.getMessage()));
            return 2;
        });
        System.exit(cl.execute(args));
    }
}
