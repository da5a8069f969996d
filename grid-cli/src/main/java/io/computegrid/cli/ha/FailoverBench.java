package io.computegrid.cli.ha;

import io.computegrid.store.EmbeddedDatabase;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The failover drill behind {@code grid bench failover}: its own PostgreSQL, two real {@code grid server}
 * processes on it (one active, one standby, one shared data directory), a stream of jobs whose tasks mark
 * their start and end in a file, and each round a SIGKILL of the active server timed until the standby's
 * /readyz answers 200; then a fresh standby. At the end: every acknowledged job must have SUCCEEDED, no
 * attempt may have started twice and no two attempts of a job may have overlapped ({@link DispatchLog}).
 * The reference, measured in the same run: SIGKILL of a lone server until a cold restart of it answers 200.
 */
public final class FailoverBench {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public record Options(int rounds, int coldRestarts, double taskSeconds, Duration submitEvery, Path workDir,
                          boolean keep) {
        public Options {
            if (rounds < 1 || rounds > 1000) {
                throw new IllegalArgumentException("--rounds: must be between 1 and 1000");
            }
            if (coldRestarts < 0 || coldRestarts > 100) {
                throw new IllegalArgumentException("--cold-restarts: must be between 0 and 100");
            }
            if (!(taskSeconds > 0 && taskSeconds <= 600)) {
                throw new IllegalArgumentException("--task-seconds: must be above 0 and at most 600");
            }
        }
    }

    private final Options o;
    private final Consumer<String> progress;
    private final Path work;
    private final Path data;
    private final Path markers;
    private final List<ServerNode> nodes = new CopyOnWriteArrayList<>();
    private EmbeddedDatabase pg;
    private Map<String, String> env;
    private List<String> args;
    private String token;
    private int started;

    private FailoverBench(Options o, Consumer<String> progress) throws IOException {
        this.o = o;
        this.progress = progress;
        this.work = o.workDir() != null ? Files.createDirectories(o.workDir()) : Files.createTempDirectory("grid-failover");
        this.data = work.resolve("data");
        this.markers = work.resolve("markers.log");
    }

    public static Map<String, Object> run(Options o, Consumer<String> progress) throws Exception {
        FailoverBench b = new FailoverBench(o, progress);
        try {
            return b.drill();
        } finally {
            b.shutdown();
        }
    }

    private Map<String, Object> drill() throws Exception {
        long wall = System.nanoTime();
        progress.accept("starting the drill's PostgreSQL in " + work);
        pg = EmbeddedDatabase.start(work.resolve("pg"));
        env = Map.of("GRID_DB_PASSWORD", pg.password());
        args = List.of("--demo", "--db-url", pg.jdbcUrl(), "--db-user", EmbeddedDatabase.USER);
        ServerNode active = startServer();
        active.awaitReadyz(200, Duration.ofSeconds(120));
        token = Files.readString(data.resolve("admin.token")).trim();
        ServerNode standby = startServer();
        standby.awaitReadyz(503, Duration.ofSeconds(120));
        awaitStandby(standby);
        progress.accept(active.name + " is active at " + active.url() + ", " + standby.name + " stands by");

        Submitter submitter = new Submitter();
        Thread feeder = new Thread(submitter, "failover-submitter");
        feeder.setDaemon(true);
        feeder.start();
        List<Double> failovers = new ArrayList<>();
        try {
            for (int round = 1; round <= o.rounds(); round++) {
                awaitRunningJob(active);
                long t0 = System.nanoTime();
                active.kill();
                nodes.remove(active);
                standby.awaitReadyz(200, Duration.ofSeconds(120));
                double s = (System.nanoTime() - t0) / 1e9;
                failovers.add(s);
                progress.accept(String.format("round %d/%d: killed %s, %s ready after %.2f s (%d jobs acknowledged)",
                        round, o.rounds(), active.name, standby.name, s, submitter.acked.size()));
                active = standby;
                standby = startServer();
                standby.awaitReadyz(503, Duration.ofSeconds(120));
                awaitStandby(standby);
            }
        } finally {
            submitter.stop.set(true);
            feeder.join(30_000);
        }
        progress.accept("waiting for the " + submitter.acked.size() + " acknowledged jobs to finish");
        Map<Long, String> states = awaitFinished(active, submitter.acked);
        awaitNothingActive(active); // jobs submitted but never acknowledged run too: no task outlives the drill

        standby.stop();
        nodes.remove(standby);
        List<Double> cold = new ArrayList<>();
        for (int i = 1; i <= o.coldRestarts(); i++) {
            long t0 = System.nanoTime();
            active.kill();
            nodes.remove(active);
            active = startServer();
            active.awaitReadyz(200, Duration.ofSeconds(180));
            cold.add((System.nanoTime() - t0) / 1e9);
            progress.accept(String.format("reference %d/%d: a lone server killed and restarted cold: ready after %.2f s",
                    i, o.coldRestarts(), cold.get(cold.size() - 1)));
        }
        active.stop();
        nodes.remove(active);

        DispatchLog.Check check = DispatchLog.check(markers);
        List<Long> lost = new ArrayList<>();
        List<String> notSucceeded = new ArrayList<>();
        states.forEach((id, state) -> {
            if (state == null) {
                lost.add(id);
            } else if (!"SUCCEEDED".equals(state)) {
                notSucceeded.add(id + ":" + state);
            }
        });
        Map<String, Object> out = new LinkedHashMap<>();
        double[] f = failovers.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] c = cold.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        out.put("rounds", o.rounds());
        out.put("failoverP50Seconds", round(pct(f, 0.50)));
        out.put("failoverP99Seconds", round(pct(f, 0.99)));
        out.put("failoverMaxSeconds", round(f[f.length - 1]));
        out.put("goalP99Seconds", 10);
        out.put("coldRestartSeconds", c.length == 0 ? null : round(pct(c, 0.50)));
        out.put("coldRestartRuns", c.length);
        out.put("failoverP99ToColdRestart", c.length == 0 ? null : round(pct(f, 0.99) / pct(c, 0.50)));
        out.put("jobsAcknowledged", states.size());
        out.put("jobsSucceeded", states.values().stream().filter("SUCCEEDED"::equals).count());
        out.put("jobsLost", lost);
        out.put("jobsNotSucceeded", notSucceeded);
        out.put("attemptsStarted", check.attempts());
        out.put("attemptsRequeued", check.attempts() - check.jobs());
        out.put("doubleStarts", check.doubleStarts());
        out.put("overlappingAttempts", check.overlaps());
        out.put("zeroDoubleDispatch", check.clean());
        out.put("allAcknowledgedJobsSucceeded", lost.isEmpty() && notSucceeded.isEmpty());
        out.put("failoverSeconds", Arrays.stream(f).map(FailoverBench::round).boxed().toList());
        out.put("wallSeconds", round((System.nanoTime() - wall) / 1e9));
        out.put("workDir", o.keep() ? work.toString() : null);
        return out;
    }

    private ServerNode startServer() throws IOException {
        ServerNode n = ServerNode.start("server-" + (++started), data, work, args, env);
        nodes.add(n);
        return n;
    }

    /** A standby says so on its readyz (and not "starting"): it is polling the election. */
    private void awaitStandby(ServerNode n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode r = getJson(n.url() + "/readyz");
            if (r != null && "standby".equals(r.path("status").asString())) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(n.name + " never reported standby");
    }

    /** A round kills the active server while it runs jobs (so that there is work to recover). */
    private void awaitRunningJob(ServerNode active) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode r = getJson(active.url() + "/api/v1/jobs?state=RUNNING&limit=1");
            if (r != null && r.path("items").size() > 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no job reached RUNNING on " + active.name + " within 60 s");
    }

    private void awaitNothingActive(ServerNode active) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(Math.round(120 + 10 * o.taskSeconds())).toNanos();
        for (String state : List.of("PENDING", "ADMITTED", "RUNNING")) {
            while (System.nanoTime() < deadline) {
                JsonNode r = getJson(active.url() + "/api/v1/jobs?state=" + state + "&limit=1");
                if (r != null && r.path("items").isEmpty()) {
                    break;
                }
                Thread.sleep(200);
            }
        }
    }

    private Map<Long, String> awaitFinished(ServerNode active, ConcurrentLinkedQueue<Long> acked) throws Exception {
        List<Long> ids = new ArrayList<>(acked);
        ids.sort(Comparator.naturalOrder());
        Map<Long, String> states = new LinkedHashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(Math.round(120 + 4 * o.taskSeconds() * 10)).toNanos();
        for (long id : ids) {
            String state = null;
            while (System.nanoTime() < deadline) {
                JsonNode j = getJson(active.url() + "/api/v1/jobs/" + id);
                state = j == null ? null : j.path("state").asString(null);
                if (state != null && List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(state)) {
                    break;
                }
                Thread.sleep(200);
            }
            states.put(id, state);
        }
        return states;
    }

    private JsonNode getJson(String url) throws InterruptedException {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 || r.statusCode() == 503 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Submits a job every {@code submitEvery} to whichever server takes it, each with its own Idempotency-Key and
     * retried with that key through failovers: so a job is acknowledged once, and never created twice.
     */
    private final class Submitter implements Runnable {
        final ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
        final AtomicBoolean stop = new AtomicBoolean();

        @Override
        public void run() {
            int n = 0;
            while (!stop.get()) {
                n++;
                String body = JSON.writeValueAsString(Map.of("name", "failover-" + n, "tenant", "acme",
                        "resources", Map.of("accelerator", "nvidia-a100", "count", 1, "cpu", 1, "memory", "64Mi"),
                        "command", DispatchLog.command(markers, o.taskSeconds()), "maxRuntime", "10m"));
                Long id = submit(body, "failover-" + n);
                if (id != null) {
                    acked.add(id);
                }
                try {
                    Thread.sleep(o.submitEvery().toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private Long submit(String body, String key) {
            while (!stop.get()) {
                for (ServerNode n : nodes) {
                    try {
                        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(n.url() + "/api/v1/jobs"))
                                        .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                                        .header("Content-Type", "application/json").header("Idempotency-Key", key)
                                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 201) {
                            return JSON.readTree(r.body()).get("id").asLong();
                        }
                        if (r.statusCode() != 503) {
                            throw new IllegalStateException("submission refused: HTTP " + r.statusCode() + " " + r.body());
                        }
                    } catch (IOException e) {
                        // not listening (killed, or switching to its API): the next server, then again
                    } catch (InterruptedException e) {
                        return null;
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return null;
                }
            }
            return null;
        }
    }

    private void shutdown() {
        for (ServerNode n : nodes) {
            try {
                n.stop(); // SIGTERM: a server stops its own tasks
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (pg != null) {
            pg.close();
        }
        if (!o.keep()) {
            try (var s = Files.walk(work)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // a temporary directory
            }
        }
    }

    static double pct(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
