package io.computegrid.backend.slurm;

import io.computegrid.backend.BackendListener;
import io.computegrid.backend.LaunchRequest;
import io.computegrid.backend.TaskLaunch;
import io.computegrid.model.BackendSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * Dispatch to a real Slurm: N one-task jobs through {@link SlurmBackend#launch} against the same N jobs (the same
 * JSON bodies, built beforehand) POSTed straight to slurmrestd, in one run, alternating which goes first.
 * Reports jobs submitted per second and jobs started per second (until Slurm says RUNNING, seen by the same
 * poll interval on both sides, default 1 s as in production) and our overhead: direct rate / our rate - 1 per round,
 * median over rounds (this shared machine's load moves both by 2x between rounds). Run it with scripts/slurm/bench.sh.
 *
 * <p>Usage: {@code SlurmDispatchBench --cluster NAME [--jobs 100] [--rounds 5] [--poll 1s]} (reads
 * /tmp/grid-slurm/NAME/cluster.env written by start-cluster.sh).
 */
public final class SlurmDispatchBench {
    private final SlurmSettings settings;
    private final BackendSpec spec;
    private final Path jobsDir;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final SlurmRestClient rest;
    private long nextId = 1;
    /** One backend for the whole run, as in the server (its first launch reads Slurm's job list once). */
    private final Set<Long> started = ConcurrentHashMap.newKeySet();
    private SlurmBackend backend;

    private SlurmDispatchBench(BackendSpec spec, Path jobsDir) {
        this.spec = spec;
        this.settings = SlurmSettings.from("bench", spec);
        this.jobsDir = jobsDir;
        this.rest = new SlurmRestClient("bench", settings, java.time.Clock.systemUTC());
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>(Map.of("--cluster", "bench", "--jobs", "100", "--rounds", "5", "--poll", "1s"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        Path root = Path.of(System.getenv().getOrDefault("GRID_SLURM_ROOT", "/tmp/grid-slurm"), a.get("--cluster"));
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(root.resolve("cluster.env"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        BackendSpec spec = new BackendSpec("slurm", Map.of("url", env.get("SLURM_REST_URL"), "user", "root",
                "jwtKeyFile", env.get("SLURM_JWT_KEY"), "partition", env.get("SLURM_PARTITION"), "pollInterval", a.get("--poll"), "timeout", "30s"));
        SlurmDispatchBench b = new SlurmDispatchBench(spec, Path.of(env.get("SLURM_JOBS_DIR"), "bench"));
        int jobs = Integer.parseInt(a.get("--jobs"));
        int rounds = Integer.parseInt(a.get("--rounds"));
        try {
            b.warmUp(Math.min(jobs, 50)); // JIT, connections, slurmctld caches, the backend's first look at Slurm's jobs
            List<double[]> directs = new ArrayList<>();
            List<double[]> backends = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                boolean directFirst = r % 2 == 0;
                double[] x = directFirst ? b.direct(jobs) : b.backend(jobs);
                double[] y = directFirst ? b.backend(jobs) : b.direct(jobs);
                double[] d = directFirst ? x : y;
                double[] o = directFirst ? y : x;
                System.out.printf(Locale.ROOT, "round %d: direct submit %.1f/s start %.1f/s | SlurmBackend submit %.1f/s start %.1f/s%n",
                        r + 1, d[0], d[1], o[0], o[1]);
                directs.add(d);
                backends.add(o);
            }
            double[] direct = {median(directs, 0), median(directs, 1)};
            double[] ours = {median(backends, 0), median(backends, 1)};
            // overhead per round (both paths ran back to back under the same load), then the median over rounds
            List<double[]> ratios = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                ratios.add(new double[] {directs.get(r)[0] / backends.get(r)[0] - 1, directs.get(r)[1] / backends.get(r)[1] - 1});
            }
            System.out.printf(Locale.ROOT, "{\"jobs\":%d,\"rounds\":%d,\"directSubmitPerSecond\":%.1f,\"backendSubmitPerSecond\":%.1f,"
                            + "\"directStartedPerSecond\":%.1f,\"backendStartedPerSecond\":%.1f,\"submitOverhead\":%.3f,\"startOverhead\":%.3f,"
                            + "\"localWorkMillisPerLaunch\":%.3f}%n",
                    jobs, rounds, direct[0], ours[0], direct[1], ours[1], median(ratios, 0), median(ratios, 1), b.localWork(jobs));
        } finally {
            if (b.backend != null) {
                b.backend.close();
            }
        }
    }

    /**
     * What a launch does besides the HTTP call (log dir, markers, JSON body, script, reply parsing), per launch:
     * the backend's own cost, which the shared machine's noise hides in the rates.
     */
    private double localWork(int n) throws Exception {
        SlurmBackend shaper = new SlurmBackend("bench", spec, new Nop());
        List<LaunchRequest> reqs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            reqs.add(request());
        }
        long t0 = 0;
        for (int rep = 0; rep < 30; rep++) {
            if (rep == 10) {
                t0 = System.nanoTime(); // after warm-up
            }
            for (LaunchRequest r : reqs) {
                Files.createDirectories(r.logDir());
                try (var files = Files.list(r.logDir())) {
                    files.count();
                }
                SlurmRestClient.JSON.writeValueAsString(shaper.submitBody(r));
                SlurmRestClient.JSON.readTree("{\"job_id\":12,\"step_id\":\"BATCH\",\"errors\":[]}");
            }
        }
        shaper.close();
        return (System.nanoTime() - t0) / 1e6 / (20.0 * n);
    }

    /** Both paths once, results dropped. */
    private void warmUp(int jobs) throws Exception {
        direct(jobs);
        backend(jobs);
    }

    private LaunchRequest request() {
        long id = nextId++;
        return new LaunchRequest(id, 1, "bench-" + id, "bench", "bench", settings.partition(), "nvidia-a100", "CUDA_VISIBLE_DEVICES",
                List.of(new TaskLaunch(0, "n0", new int[0], 1000)), List.of("sleep", "300"), Map.of(), null, 1000, 100,
                jobsDir.resolve("job-" + id), null, false);
    }

    /** {submitted per second, started per second} for N bodies POSTed straight to slurmrestd. */
    private double[] direct(int n) throws Exception {
        List<String> bodies = new ArrayList<>();
        SlurmBackend shaper = new SlurmBackend("bench", spec, new Nop());
        for (int i = 0; i < n; i++) {
            LaunchRequest r = request();
            Files.createDirectories(r.logDir());
            bodies.add(SlurmRestClient.JSON.writeValueAsString(shaper.submitBody(r)));
        }
        shaper.close();
        String token = Jwt.mint(Files.readAllBytes(settings.jwtKeyFile()), settings.user(), System.currentTimeMillis() / 1000,
                System.currentTimeMillis() / 1000 + 3600);
        Set<String> ids = ConcurrentHashMap.newKeySet();
        long t0 = System.nanoTime();
        for (String body : bodies) {
            HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(settings.base() + "/job/submit"))
                    .header("X-SLURM-USER-NAME", settings.user()).header("X-SLURM-USER-TOKEN", token)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) {
                throw new IllegalStateException("direct submit failed: HTTP " + resp.statusCode() + " " + resp.body());
            }
            ids.add(SlurmRestClient.JSON.readTree(resp.body()).path("job_id").asString());
        }
        long submitted = System.nanoTime();
        while (running(ids) < n) {
            Thread.sleep(settings.pollInterval().toMillis()); // the same polling as the backend's
        }
        long started = System.nanoTime();
        cancelAll(ids);
        return new double[] {n / secs(t0, submitted), n / secs(t0, started)};
    }

    /** The same through SlurmBackend, started as its listener hears it. */
    private double[] backend(int n) throws Exception {
        if (backend == null) {
            backend = new SlurmBackend("bench", spec, new Nop() {
                @Override
                public void taskStarted(long jobId, int attempt, int taskIndex, String handle) {
                    started.add(jobId);
                }
            });
        }
        List<LaunchRequest> reqs = new ArrayList<>();
        Set<Long> mine = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            LaunchRequest r = request();
            reqs.add(r);
            mine.add(r.jobId());
        }
        Set<String> ids = ConcurrentHashMap.newKeySet();
        long t0 = System.nanoTime();
        for (LaunchRequest r : reqs) {
            ids.add(backend.launch(r));
        }
        long submitted = System.nanoTime();
        while (!started.containsAll(mine)) {
            Thread.sleep(10);
        }
        long all = System.nanoTime();
        cancelAll(ids);
        return new double[] {n / secs(t0, submitted), n / secs(t0, all)};
    }

    private int running(Set<String> ids) throws Exception {
        int n = 0;
        for (JsonNode j : rest.jobs()) {
            if (ids.contains(j.path("job_id").asString("")) && !"PENDING".equals(SlurmStates.base(j.path("job_state").asString("")))) {
                n++;
            }
        }
        return n;
    }

    /** Cancels the round's jobs and waits until none of them holds resources. */
    private void cancelAll(Set<String> ids) throws Exception {
        for (String id : ids) {
            rest.delete("/job/" + id);
        }
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            int busy = 0;
            for (JsonNode j : rest.jobs()) {
                if (ids.contains(j.path("job_id").asString("")) && !SlurmStates.terminal(j.path("job_state").asString(""))) {
                    busy++;
                }
            }
            if (busy == 0) {
                return;
            }
            Thread.sleep(200);
        }
    }

    private static double median(List<double[]> xs, int k) {
        double[] v = xs.stream().mapToDouble(x -> x[k]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double secs(long from, long to) {
        return (to - from) / 1e9;
    }

    private static class Nop implements BackendListener {
        @Override
        public void taskStarted(long jobId, int attempt, int taskIndex, String handle) {
        }

        @Override
        public void taskExited(long jobId, int attempt, int taskIndex, int exitCode, String reason) {
        }
    }
}
