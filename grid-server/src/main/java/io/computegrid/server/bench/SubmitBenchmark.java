package io.computegrid.server.bench;

import io.computegrid.server.GridServer;
import io.computegrid.server.ServerOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Durable submissions over HTTP against the real server (embedded PostgreSQL, loopback), with C
 * concurrent clients, compared in the same run with the raw durable-insert rate of the same
 * database (C JDBC clients each inserting one job row per transaction): the ratio says how much
 * the API, validation, authentication and the event row cost on top of the commit itself.
 * Also measures start-to-ready on a fresh and on an existing data directory.
 */
public final class SubmitBenchmark {
    private static final String SPEC = "{\"name\":\"bench\",\"tenant\":\"benchq\",\"tasks\":1,"
            + "\"resources\":{\"accelerator\":\"nvidia-a100\",\"count\":1,\"cpu\":1,\"memory\":\"1Gi\"},"
            + "\"command\":[\"true\"],\"maxRuntime\":\"10m\"}";

    private SubmitBenchmark() {
    }

    public static Map<String, Object> run(int clients, int seconds, Consumer<String> progress) throws Exception {
        return run(clients, seconds, 500, progress);
    }

    /**
     * Saturation throughput with {@code clients} closed-loop clients, then latency at a steady offered
     * load of {@code rate} submissions per second spread over the same clients (the goal's shape:
     * "500 jobs/s sustained, p99 at most 50 ms").
     */
    public static Map<String, Object> run(int clients, int seconds, int rate, Consumer<String> progress)
            throws Exception {
        Path dir = Files.createTempDirectory("grid-bench-submit");
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            ServerOptions o = new ServerOptions("127.0.0.1", 0, dir, null, null, null, true, null, null);
            long t0 = System.nanoTime();
            GridServer first = new GridServer(o).start();
            out.put("readyMillisFreshDataDir", (System.nanoTime() - t0) / 1_000_000);
            first.close();
            progress.accept("fresh start measured; restarting on the existing data directory");
            t0 = System.nanoTime();
            try (GridServer server = new GridServer(o).start()) {
                out.put("readyMillisExistingDataDir", (System.nanoTime() - t0) / 1_000_000);
                String url = "http://127.0.0.1:" + server.port();
                String admin = Files.readString(dir.resolve("admin.token")).trim();
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                // a tenant without quota: its jobs stay pending, so the benchmark measures submission, not execution
                send(http, url + "/api/v1/tenants", admin, "{\"name\":\"benchq\",\"quotas\":[{\"accelerator\":"
                        + "\"nvidia-a100\",\"nominal\":0,\"borrowingLimit\":0}]}");
                send(http, url + "/api/v1/tenants/benchq/topup", admin, "{\"amount\": 100000000}");
                progress.accept("warming up");
                load(http, url, admin, clients, 2, 0);
                progress.accept("measuring HTTP submissions for " + seconds + " s with " + clients + " clients");
                long[] lat = load(http, url, admin, clients, seconds, 0);
                double saturated = lat.length / (double) seconds;
                Arrays.sort(lat);
                progress.accept("measuring the raw durable-insert reference, with and without the fencing trigger");
                double[] fence = fencedVsUnfenced(server.database().dataSource(), clients, seconds);
                double ref = fence[0];
                out.put("clients", clients);
                out.put("seconds", seconds);
                out.put("submissions", lat.length);
                out.put("submitsPerSecond", round(saturated));
                out.put("p50SubmitMillis", round(pct(lat, 0.50) / 1e6));
                out.put("p99SubmitMillis", round(pct(lat, 0.99) / 1e6));
                out.put("referenceInsertsPerSecond", round(ref));
                out.put("ratioToReference", round(saturated / ref));
                out.put("referenceUnfencedInsertsPerSecond", round(fence[1]));
                out.put("fencedToUnfencedInserts", round(fence[0] / fence[1]));
                progress.accept("measuring HTTP submissions with the fence on and off, interleaved");
                double[] api = submitsFencedVsUnfenced(http, url, admin, clients, seconds, server.database().dataSource());
                out.put("fenceOnSubmitsPerSecond", round(api[0]));
                out.put("fenceOffSubmitsPerSecond", round(api[1]));
                out.put("fencedToUnfencedSubmits", round(api[0] / api[1]));
                progress.accept("measuring latency at a steady " + rate + " submissions/s");
                long[] paced = load(http, url, admin, clients, seconds, rate);
                Arrays.sort(paced);
                out.put("pacedRatePerSecond", rate);
                out.put("pacedAchievedPerSecond", round(paced.length / (double) seconds));
                out.put("pacedP50SubmitMillis", round(pct(paced, 0.50) / 1e6));
                out.put("pacedP99SubmitMillis", round(pct(paced, 0.99) / 1e6));
            }
        } finally {
            deleteTree(dir);
        }
        return out;
    }

    /** Closed-loop clients (rate 0) or clients that each send at rate/clients per second on a fixed schedule. */
    private static long[] load(HttpClient http, String url, String token, int clients, int seconds, int rate)
            throws InterruptedException {
        long interval = rate <= 0 ? 0 : 1_000_000_000L * clients / rate;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long[][] perClient = new long[clients][];
        int[] counts = new int[clients];
        AtomicLong errors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            int me = c;
            perClient[me] = new long[1 << 16];
            Thread t = new Thread(() -> {
                try {
                    HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/api/v1/jobs"))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(SPEC)).build();
                    long next = System.nanoTime() + (interval == 0 ? 0 : interval * me / clients);
                    while (System.nanoTime() < end) {
                        if (interval > 0) {
                            long wait = next - System.nanoTime();
                            if (wait > 0) {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            }
                            next += interval;
                        }
                        long s = System.nanoTime();
                        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                        long d = System.nanoTime() - s;
                        if (r.statusCode() != 201) {
                            errors.incrementAndGet();
                            continue;
                        }
                        if (counts[me] == perClient[me].length) {
                            perClient[me] = Arrays.copyOf(perClient[me], counts[me] * 2);
                        }
                        perClient[me][counts[me]++] = d;
                    }
                } catch (IOException | InterruptedException e) {
                    errors.incrementAndGet();
                } finally {
                    done.countDown();
                }
            }, "bench-client-" + c);
            t.setDaemon(true);
            t.start();
        }
        done.await();
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " submissions failed during the benchmark");
        }
        int n = Arrays.stream(counts).sum();
        long[] all = new long[n];
        int k = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(perClient[c], 0, all, k, counts[c]);
            k += counts[c];
        }
        return all;
    }

    /**
     * The reference insert rate through the fencing trigger and, interleaved in the same run, with the trigger of
     * the jobs table disabled: what the fence costs on its worst case (one-statement transactions).
     */
    private static double[] fencedVsUnfenced(DataSource ds, int clients, int seconds) throws Exception {
        double fenced = 0;
        double unfenced = 0;
        int half = Math.max(1, seconds / 2);
        for (int round = 0; round < 2; round++) {
            fenced += reference(ds, clients, half);
            fenceTrigger(ds, false);
            try {
                unfenced += reference(ds, clients, half);
            } finally {
                fenceTrigger(ds, true);
            }
        }
        return new double[]{fenced / 2, unfenced / 2};
    }

    /** Saturated submissions with every table's fence on, then off, twice in turn: what the fence costs the API. */
    private static double[] submitsFencedVsUnfenced(HttpClient http, String url, String token, int clients,
                                                    int seconds, DataSource ds) throws Exception {
        double on = 0;
        double off = 0;
        int half = Math.max(1, seconds / 2);
        for (int round = 0; round < 2; round++) {
            on += load(http, url, token, clients, half, 0).length / (double) half;
            fenceTriggers(ds, "", false);
            try {
                off += load(http, url, token, clients, half, 0).length / (double) half;
            } finally {
                fenceTriggers(ds, "", true);
            }
        }
        return new double[]{on / 2, off / 2};
    }

    private static void fenceTrigger(DataSource ds, boolean enabled) throws Exception {
        fenceTriggers(ds, "jobs", enabled);
    }

    /** Enables or disables the fencing trigger of one table, or of every table when {@code table} is empty. */
    private static void fenceTriggers(DataSource ds, String table, boolean enabled) throws Exception {
        try (Connection con = ds.getConnection(); var st = con.createStatement()) {
            java.util.List<String> tables = new java.util.ArrayList<>();
            if (table.isEmpty()) {
                try (var rs = st.executeQuery("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'grid_fence'")) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
            } else {
                tables.add(table);
            }
            for (String t : tables) {
                st.execute("ALTER TABLE " + t + " " + (enabled ? "ENABLE" : "DISABLE") + " TRIGGER grid_fence");
            }
        }
    }

    private static double reference(DataSource ds, int clients, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong n = new AtomicLong();
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                try (Connection con = ds.getConnection(); PreparedStatement ps = con.prepareStatement(
                        "INSERT INTO jobs(tenant, name, spec, state, priority_class, priority) "
                                + "VALUES ('benchq', 'ref', CAST(? AS jsonb), 'CANCELLED', 'normal', 100)")) {
                    con.setAutoCommit(true);
                    while (System.nanoTime() < end) {
                        ps.setString(1, SPEC);
                        ps.executeUpdate();
                        n.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    done.countDown();
                }
            });
            t.setDaemon(true);
            t.start();
        }
        done.await();
        return n.get() / (double) seconds;
    }

    private static void send(HttpClient http, String url, String token, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double round(double d) {
        return Math.round(d * 100) / 100.0;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
