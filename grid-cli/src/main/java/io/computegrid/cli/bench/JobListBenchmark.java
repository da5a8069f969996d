package io.computegrid.cli.bench;

import io.computegrid.browser.HeadlessChromium;
import io.computegrid.server.GridServer;
import io.computegrid.server.ServerOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The job list at scale: a real server on a fresh data directory seeded with N jobs, the list API
 * (first page, filtered pages, a deep cursor page) timed over HTTP, and the console's jobs page
 * loaded in headless chromium (navigation to the table rendered, read from the page's
 * {@code console:view-ready} performance mark). The same run measures a small reference store, so
 * the result is a ratio (how much the store's size costs) besides the absolute p95 against 1 s.
 */
public final class JobListBenchmark {
    public static final double GOAL_MILLIS = 1000;
    private static final int PAGE = 50;

    /** Sizes, repetitions, and where progress lines go. */
    public record Options(int jobs, int referenceJobs, int requests, int loads, Consumer<String> progress) {
    }

    private JobListBenchmark() {
    }

    public static Map<String, Object> run(Options o) throws Exception {
        HeadlessChromium.requireInstalled();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobs", o.jobs());
        out.put("referenceJobs", o.referenceJobs());
        out.put("page", PAGE);
        Map<String, Map<String, Double>> ref = measure(o.referenceJobs(), o);
        Map<String, Map<String, Double>> big = measure(o.jobs(), o);
        out.put("reference", ref);
        out.put("measured", big);
        double apiP95 = worst(big, "api.", "p95");
        double browserP95 = worst(big, "browser.", "p95");
        out.put("apiP95Millis", apiP95);
        out.put("browserP95Millis", browserP95);
        out.put("apiP95VsReference", round(apiP95 / Math.max(0.001, worst(ref, "api.", "p95"))));
        out.put("browserP95VsReference", round(browserP95 / Math.max(0.001, worst(ref, "browser.", "p95"))));
        out.put("goalMillis", GOAL_MILLIS);
        out.put("meetsGoal", apiP95 < GOAL_MILLIS && browserP95 < GOAL_MILLIS);
        return out;
    }

    /** The slowest of one percentile over the measurements whose name starts with the prefix. */
    private static double worst(Map<String, Map<String, Double>> m, String prefix, String pct) {
        return m.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToDouble(e -> e.getValue().get(pct))
                .max().orElse(0);
    }

    private static Map<String, Map<String, Double>> measure(int jobs, Options o) throws Exception {
        Path dir = Files.createTempDirectory("grid-bench-joblist");
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        try (GridServer server = new GridServer(new ServerOptions("127.0.0.1", 0, dir, null, null, null, true, null,
                null)).start()) {
            o.progress().accept(String.format("%,d jobs: seeding (server on port %d)", jobs, server.port()));
            long t0 = System.nanoTime();
            JobListSeeder.seed(server.database().jdbi(), jobs);
            o.progress().accept(String.format("%,d jobs: seeded in %.1f s", jobs, (System.nanoTime() - t0) / 1e9));
            String url = "http://127.0.0.1:" + server.port();
            String token = Files.readString(dir.resolve("admin.token")).trim();
            long oldest = server.database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT min(id) FROM jobs WHERE tenant LIKE 'bench-%'").mapTo(Long.class).one());
            String deep = Long.toString(oldest + PAGE + 1);
            Map<String, String> api = new LinkedHashMap<>();
            api.put("api.firstPage", "");
            api.put("api.tenant", "tenant=bench-7");
            api.put("api.state", "state=FAILED");
            api.put("api.tenantState", "tenant=bench-7&state=CANCELLED");
            api.put("api.name", "name=job-123");
            api.put("api.deepCursor", "cursor=" + deep);
            api.put("api.tenantDeepCursor", "tenant=bench-7&cursor=" + deep);
            apiTimes(url, token, api, o, jobs).forEach((k, v) -> out.put(k, stats(v)));
            Map<String, String> pages = new LinkedHashMap<>();
            pages.put("browser.firstPage", "#/jobs");
            pages.put("browser.state", "#/jobs?state=FAILED");
            pages.put("browser.deepCursor", "#/jobs?cursor=" + deep);
            browserTimes(url, token, pages, o, deep, jobs).forEach((k, v) -> out.put(k, stats(v)));
        } finally {
            delete(dir);
        }
        return out;
    }

    private static Map<String, double[]> apiTimes(String url, String token, Map<String, String> kinds, Options o,
                                                  int jobs) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, double[]> times = new LinkedHashMap<>();
        kinds.keySet().forEach(k -> times.put(k, new double[o.requests()]));
        for (int round = -2; round < o.requests(); round++) { // two warm-up rounds
            for (Map.Entry<String, String> k : kinds.entrySet()) {
                HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/api/v1/jobs?limit=" + PAGE
                        + (k.getValue().isEmpty() ? "" : "&" + k.getValue()))).header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(60)).build();
                long t = System.nanoTime();
                HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                double ms = (System.nanoTime() - t) / 1e6;
                if (r.statusCode() != 200 || !r.body().contains("\"items\":[{")) {
                    throw new IllegalStateException(k.getKey() + " answered " + r.statusCode() + ": "
                            + r.body().substring(0, Math.min(200, r.body().length())));
                }
                if (round >= 0) {
                    times.get(k.getKey())[round] = ms;
                }
            }
            if (round >= 0 && (round + 1) % Math.max(1, o.requests() / 4) == 0) {
                o.progress().accept(String.format("%,d jobs: API round %d/%d", jobs, round + 1, o.requests()));
            }
        }
        return times;
    }

    /** Milliseconds from a hash change to the view's ready mark, in the already loaded console. */
    private static double inApp(HeadlessChromium chromium, String hash) {
        Object nav = chromium.script("const v = document.getElementById('view'); const n = v.dataset.nav;"
                + "window.__benchStart = performance.now(); location.hash = arguments[0]; return n;", hash);
        chromium.waiting(Duration.ofSeconds(60)).until(x -> (Boolean) chromium.script(
                "const v = document.getElementById('view');"
                        + "return v.dataset.nav !== arguments[0] && v.dataset.state === 'ready';", nav));
        Object ms = chromium.script("const m = performance.getEntriesByName('console:view-ready');"
                + "return m[m.length - 1].startTime - window.__benchStart;");
        return ((Number) ms).doubleValue();
    }

    private static Map<String, double[]> browserTimes(String url, String token, Map<String, String> pages, Options o,
                                                      String deep, int jobs) {
        Map<String, double[]> times = new LinkedHashMap<>();
        pages.keySet().forEach(k -> times.put(k, new double[o.loads()]));
        times.put("browser.inAppDeepCursor", new double[o.loads()]);
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            var d = chromium.driver();
            d.get(url + "/console/");
            // signed in as a person would be: the token in this tab's sessionStorage
            chromium.script("sessionStorage.setItem('computegrid.console.token', arguments[0])", token);
            for (int load = -2; load < o.loads(); load++) { // two warm-up loads
                for (Map.Entry<String, String> p : pages.entrySet()) {
                    d.get("about:blank");
                    d.get(url + "/console/" + p.getValue());
                    chromium.waiting(Duration.ofSeconds(60)).until(x -> "ready".equals(chromium.script(
                            "return document.getElementById('view').dataset.state")));
                    Object ms = chromium.script("const m = performance.getEntriesByName('console:view-ready');"
                            + "return m.length ? m[0].startTime : null;");
                    Object rows = chromium.script("return document.querySelectorAll('[data-test=jobs-table] tbody tr')"
                            + ".length");
                    if (ms == null || ((Number) rows).intValue() == 0) {
                        throw new IllegalStateException(p.getKey() + ": the jobs table did not render");
                    }
                    if (load >= 0) {
                        times.get(p.getKey())[load] = ((Number) ms).doubleValue();
                    }
                }
                // paging inside the loaded console (what "Older" does): the hash changes, no page load
                inApp(chromium, "#/jobs");
                double paged = inApp(chromium, "#/jobs?cursor=" + deep);
                if (load >= 0) {
                    times.get("browser.inAppDeepCursor")[load] = paged;
                }
                if (load >= 0 && (load + 1) % Math.max(1, o.loads() / 4) == 0) {
                    o.progress().accept(String.format("%,d jobs: browser load %d/%d", jobs, load + 1, o.loads()));
                }
            }
            List<String> errors = chromium.severeLog();
            if (!errors.isEmpty()) {
                throw new IllegalStateException("the console logged errors: " + errors);
            }
        }
        return times;
    }

    static Map<String, Double> stats(double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("p50", round(pct(s, 0.50)));
        m.put("p95", round(pct(s, 0.95)));
        m.put("max", round(s[s.length - 1]));
        return m;
    }

    /** Nearest rank. */
    static double pct(double[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(s.toList());
            all.sort(Comparator.reverseOrder());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }
}
