package io.computegrid.sim;

import io.computegrid.config.FederationConfig;
import io.computegrid.config.FederationConfigParser;
import io.computegrid.scheduler.Policies;
import io.computegrid.scheduler.Scheduler;
import io.computegrid.sim.report.JobsCsv;
import io.computegrid.sim.report.ReportWriter;
import io.computegrid.sim.trace.NodeListReader;
import io.computegrid.sim.trace.TraceException;
import io.computegrid.sim.trace.TraceFormat;
import io.computegrid.spec.Documents;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The simulator's entry point (what {@code grid simulate} calls): reads the federation and the
 * trace, replays it once per policy with the production scheduler, and writes the results.
 * Errors are exceptions with one-line messages (trace errors name file, line and column).
 */
public final class SimulationRunner {
    /**
     * One simulation run.
     *
     * @param trace      the trace file
     * @param format     philly, openb or csv; null: guessed from the header row
     * @param federation the federation file (or null with {@code openbNodes})
     * @param openbNodes an openb node list that defines the federation instead
     * @param policies   one policy, or several to compare
     * @param out        directory for summary.json, jobs.csv, timeseries.csv and report.html (null: none)
     * @param window     FROM,TO of submit times to replay (null: all)
     * @param load       arrivals this many times as fast as recorded: "what if demand grew" (1: as recorded)
     */
    public record Request(Path trace, String format, Path federation, Path openbNodes, List<String> policies, Path out,
                          SimOptions options, String window, double load) {
        public Request {
            policies = List.copyOf(policies == null || policies.isEmpty() ? List.of(options.policy()) : policies);
        }

        public Request(Path trace, String format, Path federation, Path openbNodes, List<String> policies, Path out,
                       SimOptions options, String window) {
            this(trace, format, federation, openbNodes, policies, out, options, window, 1);
        }

        public Request(Path trace, String format, Path federation, Path openbNodes, List<String> policies, Path out,
                       SimOptions options) {
            this(trace, format, federation, openbNodes, policies, out, options, null);
        }
    }

    /** The JSON document (the first policy's summary, plus {@code compare} with all of them) and the results. */
    public record Outcome(Map<String, Object> document, List<SimResult> results) {
    }

    /** Makes a progress listener for one policy's replay. */
    @FunctionalInterface
    public interface ProgressFactory {
        ProgressListener forPolicy(String policy);
    }

    private SimulationRunner() {
    }

    /** Makes a fresh usage sink per policy run (for example to price the replay); gets the run's federation. */
    public interface UsageSinkFactory {
        UsageSink create(FederationConfig federation);
    }

    public static Outcome run(Request req, LongSupplier nanoClock, ProgressFactory progress) {
        return run(req, nanoClock, progress, f -> UsageSink.NONE);
    }

    public static Outcome run(Request req, LongSupplier nanoClock, ProgressFactory progress, UsageSinkFactory usage) {
        for (String p : req.policies()) {
            Policies.byName(p); // unknown names fail before any work
        }
        TraceFormat format = req.format() == null ? guessFormat(req.trace()) : TraceFormat.byName(req.format());
        FederationConfig fed = federation(req);
        boolean fill = req.options().fill();
        long[] window = window(req.window(), format);
        if (fill && req.load() != 1) {
            throw new TraceException("--load changes arrival times, which --fill does not use (one pod per second)");
        }
        TraceSource source = new TraceSource(req.trace(), format, fill, window[0], window[1], req.load());
        fed = FederationSetup.withTraceTenants(fed, source.tenants, req.options().tenantCenters());
        List<SimResult> results = new ArrayList<>();
        List<Map<String, Object>> summaries = new ArrayList<>();
        for (int i = 0; i < req.policies().size(); i++) {
            String policy = req.policies().get(i);
            SimOptions opts = req.options().withPolicy(policy);
            Scheduler scheduler = Policies.byName(policy);
            long t0 = nanoClock == null ? 0 : nanoClock.getAsLong();
            JobsCsv jobs = null;
            SimResult r;
            try {
                if (req.out() != null) {
                    Files.createDirectories(req.out());
                    jobs = new JobsCsv(req.out().resolve(req.policies().size() == 1 || i == 0 ? "jobs.csv"
                            : "jobs-" + policy + ".csv"));
                }
                SimEngine engine = new SimEngine(fed, scheduler, opts)
                        .sinks(jobs == null ? JobSink.NONE : jobs, usage.create(fed),
                                progress == null ? ProgressListener.NONE : progress.forPolicy(policy));
                if (nanoClock != null) {
                    engine.timing(nanoClock);
                }
                r = engine.run(fill ? source.fill(new Cluster(fed).gpuCapacityMilli, opts.seed()) : source.replay(),
                        source.count);
            } catch (IOException e) {
                throw new TraceException(req.out() + ": cannot write (" + e.getMessage() + ")");
            } finally {
                if (jobs != null) {
                    jobs.close();
                }
            }
            if (req.out() != null && req.policies().size() > 1 && i == 0) {
                copy(req.out().resolve("jobs.csv"), req.out().resolve("jobs-" + policy + ".csv"));
            }
            if (nanoClock != null) {
                r.wallSeconds((nanoClock.getAsLong() - t0) / 1e9);
            }
            results.add(r);
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("trace", req.trace().getFileName().toString());
            s.put("format", format.label());
            if (req.window() != null) {
                s.put("window", req.window());
                s.put("outsideWindow", source.outsideWindow);
            }
            if (req.load() != 1) {
                s.put("load", req.load());
            }
            s.putAll(r.summary());
            summaries.add(s);
        }
        Map<String, Object> doc = new LinkedHashMap<>(summaries.get(0));
        if (summaries.size() > 1) {
            doc.put("compare", summaries);
        }
        if (req.out() != null) {
            String title = "Replay of " + req.trace().getFileName() + " (" + String.join(", ", req.policies()) + ")";
            ReportWriter.write(req.out(), title, doc, results);
        }
        return new Outcome(doc, results);
    }

    /**
     * {@code FROM,TO}: dates ({@code 2017-10-01} or {@code 2017-10-01 12:00:00}, UTC) for traces with
     * wall-clock times, seconds from trace start otherwise; either side may be empty.
     */
    static long[] window(String w, TraceFormat format) {
        if (w == null || w.isBlank()) {
            return new long[]{Long.MIN_VALUE, Long.MAX_VALUE};
        }
        String[] parts = w.split(",", -1);
        if (parts.length != 2) {
            throw new TraceException("--window takes FROM,TO (got '" + w + "')");
        }
        long[] out = {Long.MIN_VALUE, Long.MAX_VALUE};
        for (int i = 0; i < 2; i++) {
            String p = parts[i].trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                if (format.absoluteTimes()) {
                    String t = p.length() == 10 ? p + " 00:00:00" : p;
                    out[i] = java.time.LocalDateTime.parse(t, java.time.format.DateTimeFormatter.ofPattern(
                            "yyyy-MM-dd HH:mm:ss")).toEpochSecond(java.time.ZoneOffset.UTC) * 1000;
                } else {
                    out[i] = Math.round(Double.parseDouble(p) * 1000);
                }
            } catch (RuntimeException e) {
                throw new TraceException("--window: '" + p + "' is not " + (format.absoluteTimes()
                        ? "a date as YYYY-MM-DD[ HH:MM:SS]" : "a number of seconds"));
            }
        }
        return out;
    }

    private static void copy(Path from, Path to) {
        try {
            Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new TraceException(to + ": cannot write (" + e.getMessage() + ")");
        }
    }

    static FederationConfig federation(Request req) {
        if (req.federation() != null && req.openbNodes() != null) {
            throw new TraceException("give --federation or --openb-nodes, not both");
        }
        if (req.openbNodes() != null) {
            return FederationSetup.fromNodes("openb", NodeListReader.read(req.openbNodes()));
        }
        if (req.federation() == null) {
            throw new TraceException("--federation FED.yaml is required (or --openb-nodes NODES.csv for openb)");
        }
        String text;
        try {
            if (Files.size(req.federation()) > Documents.MAX_BYTES) {
                throw new TraceException(req.federation() + ": larger than " + Documents.MAX_BYTES + " bytes");
            }
            text = Files.readString(req.federation(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TraceException(req.federation() + ": no such file");
        } catch (IOException e) {
            throw new TraceException(req.federation() + ": cannot read (" + e.getMessage() + ")");
        }
        FederationConfig fed = FederationConfigParser.parse(text, req.federation().getFileName().toString());
        if (fed.centers().isEmpty()) {
            throw new TraceException(req.federation() + ": the federation has no centers");
        }
        return fed;
    }

    /** philly when the header has timestamp and cluster, openb when it has gpu_milli, else csv. */
    static TraceFormat guessFormat(Path trace) {
        try (BufferedReader r = Files.newBufferedReader(trace, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            String h = header == null ? "" : header.toLowerCase(Locale.ROOT);
            if (h.contains("timestamp") && h.contains("cluster")) {
                return TraceFormat.PHILLY;
            }
            if (h.contains("gpu_milli")) {
                return TraceFormat.OPENB;
            }
            return TraceFormat.CSV;
        } catch (NoSuchFileException e) {
            throw new TraceException(trace + ": no such file");
        } catch (IOException e) {
            throw new TraceException(trace + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
