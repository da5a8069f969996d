package io.computegrid.sim.report;

import io.computegrid.sim.SimResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a replay's files: {@code summary.json}, {@code timeseries.csv} and a self-contained
 * {@code report.html} (inline SVG and CSS only: it opens offline). One or several policies side by side.
 */
public final class ReportWriter {
    public static final ObjectMapper JSON = JsonMapper.builder().build();

    private ReportWriter() {
    }

    public static String json(Object doc) {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
    }

    public static void write(Path dir, String title, Map<String, Object> summaryDoc, List<SimResult> results) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("summary.json"), json(summaryDoc) + "\n", StandardCharsets.UTF_8);
            writeSeries(dir.resolve("timeseries.csv"), results);
            Files.writeString(dir.resolve("report.html"), html(title, results), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write the report (" + e.getMessage() + ")", e);
        }
    }

    private static void writeSeries(Path file, List<SimResult> results) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("policy,time_seconds,utilization,pending_jobs,running_jobs\n");
            for (SimResult r : results) {
                for (int i = 0; i < r.seriesLength(); i++) {
                    w.write(r.policy() + "," + JobsCsv.seconds(r.seriesTime(i)) + ","
                            + String.format(Locale.ROOT, "%.4f", r.seriesUtilization(i)) + "," + r.seriesPending(i)
                            + "," + r.seriesRunning(i) + "\n");
                }
            }
        }
    }

    static String html(String title, List<SimResult> results) {
        long span = 0;
        for (SimResult r : results) {
            if (r.seriesLength() > 0) {
                span = Math.max(span, r.seriesTime(r.seriesLength() - 1));
            }
        }
        double unit = span > 3 * 86_400_000L ? 86_400_000.0 : span > 3 * 3_600_000L ? 3_600_000.0 : 1000.0;
        String unitName = unit == 86_400_000.0 ? "days" : unit == 3_600_000.0 ? "hours" : "seconds";
        List<Svg.Series> util = new ArrayList<>();
        List<Svg.Series> queue = new ArrayList<>();
        List<Svg.Series> jct = new ArrayList<>();
        for (SimResult r : results) {
            int n = r.seriesLength();
            double[] x = new double[n];
            double[] u = new double[n];
            double[] q = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = r.seriesTime(i) / unit;
                u[i] = r.seriesUtilization(i) * 100;
                q[i] = r.seriesPending(i);
            }
            util.add(new Svg.Series(r.policy(), x, u));
            queue.add(new Svg.Series(r.policy(), x, q));
            double[] qs = r.jctQuantiles(200);
            double[] p = new double[qs.length];
            for (int i = 0; i < qs.length; i++) {
                p[i] = (i + 1) / (double) qs.length * 100;
                qs[i] = Math.max(qs[i], 1);
            }
            jct.add(new Svg.Series(r.policy(), qs, p));
        }
        LinkedHashSet<String> tenants = new LinkedHashSet<>();
        for (SimResult r : results) {
            tenants.addAll(r.tenantShares().keySet());
        }
        List<String> tl = new ArrayList<>(tenants);
        double[][] shares = new double[results.size()][tl.size()];
        for (int s = 0; s < results.size(); s++) {
            Map<String, Double> sh = results.get(s).tenantShares();
            for (int t = 0; t < tl.size(); t++) {
                shares[s][t] = sh.getOrDefault(tl.get(t), 0.0);
            }
        }
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(Svg.esc(title)).append("</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}")
                .append("table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:4px 10px;")
                .append("text-align:right}th:first-child,td:first-child{text-align:left}")
                .append("svg{display:block;margin:18px 0}.t{font-size:14px;font-weight:600}.a{font-size:11px}")
                .append(".s{font-size:9px;fill:#555}.g{stroke:#e4e4e4}.f{fill:none;stroke:#999}")
                .append("</style></head><body><h1>").append(Svg.esc(title)).append("</h1>");
        b.append("<h2>Summary</h2><table><tr><th>figure</th>");
        for (SimResult r : results) {
            b.append("<th>").append(Svg.esc(r.policy())).append("</th>");
        }
        b.append("</tr>");
        List<Map<String, Object>> sums = results.stream().map(SimResult::summary).toList();
        for (String key : sums.get(0).keySet()) {
            Object v0 = sums.get(0).get(key);
            if (v0 instanceof Map || "policy".equals(key)) {
                continue;
            }
            b.append("<tr><td>").append(Svg.esc(key)).append("</td>");
            for (Map<String, Object> s : sums) {
                Object v = s.get(key);
                b.append("<td>").append(v instanceof Number n ? Svg.fmt(n.doubleValue()) : Svg.esc(String.valueOf(v)))
                        .append("</td>");
            }
            b.append("</tr>");
        }
        b.append("</table>");
        b.append(Svg.lines("GPU utilisation over time", "time (" + unitName + ")", "allocated GPUs (%)", util,
                false, true));
        boolean queued = queue.stream().anyMatch(q -> java.util.Arrays.stream(q.y()).anyMatch(v -> v > 0));
        boolean finished = jct.stream().anyMatch(q -> q.x().length > 0);
        if (queued) {
            b.append(Svg.lines("Queue length over time", "time (" + unitName + ")", "pending jobs", queue, false,
                    true));
        } else {
            b.append("<p>No job ever waited for a cycle, so there is no queue-length chart.</p>");
        }
        if (finished) {
            b.append(Svg.lines("JCT distribution (CDF)", "job completion time (s, log scale)", "jobs (%)", jct, true,
                    false));
        } else {
            b.append("<p>No job finished (the fill experiment has no departures), so there is no JCT "
                    + "distribution.</p>");
        }
        b.append(Svg.shareBars("Per-tenant share of GPU time", tl, results.stream().map(SimResult::policy).toList(),
                shares));
        b.append("<h2>Per tenant</h2>");
        for (int s = 0; s < results.size(); s++) {
            b.append("<h3>").append(Svg.esc(results.get(s).policy())).append("</h3><table><tr><th>tenant</th>");
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> ts = (Map<String, Map<String, Object>>) sums.get(s).get("tenants");
            List<String> cols = ts.isEmpty() ? List.of() : new ArrayList<>(ts.values().iterator().next().keySet());
            for (String c : cols) {
                b.append("<th>").append(Svg.esc(c)).append("</th>");
            }
            b.append("</tr>");
            for (Map.Entry<String, Map<String, Object>> e : ts.entrySet()) {
                b.append("<tr><td>").append(Svg.esc(e.getKey())).append("</td>");
                for (String c : cols) {
                    Object v = e.getValue().get(c);
                    b.append("<td>").append(v instanceof Number n ? Svg.fmt(n.doubleValue()) : Svg.esc(
                            String.valueOf(v))).append("</td>");
                }
                b.append("</tr>");
            }
            b.append("</table>");
        }
        b.append("<p>Generated by <code>grid simulate</code>. Times are simulated; figures are deterministic for "
                + "the same trace, federation, options and seed.</p></body></html>\n");
        return b.toString();
    }
}
