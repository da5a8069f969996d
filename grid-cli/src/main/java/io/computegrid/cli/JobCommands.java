package io.computegrid.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** Client commands for jobs: submit, jobs, job, explain, logs, cancel. */
final class JobCommands {
    private JobCommands() {
    }

    static long parseId(String s) {
        try {
            long id = Long.parseLong(s.trim());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new CliException("'" + s + "' is not a job id", 2);
    }

    static boolean terminal(String state) {
        return "SUCCEEDED".equals(state) || "FAILED".equals(state) || "CANCELLED".equals(state);
    }

    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = {"Submit a job from a YAML or JSON file; prints its id.",
                    "A submission whose connection failed (or that met a failover) is retried with the same "
                            + "Idempotency-Key, so it never creates two jobs."})
    static final class Submit implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Option(names = {"-f", "--file"}, required = true, description = "Job spec file (YAML or JSON), - for stdin")
        String file;
        @Option(names = "--wait", description = "Wait until the job ends; exit 0 only if it SUCCEEDED")
        boolean wait;
        @Option(names = "--idempotency-key", paramLabel = "KEY",
                description = "Key of this submission (default: a new random one); the same key and file return "
                        + "the job created first, for 24 h")
        String idempotencyKey;
        @Option(names = "--retry-for", paramLabel = "SECONDS", defaultValue = "30",
                description = "How long to retry while the server is unreachable or failing over (default ${DEFAULT-VALUE})")
        int retryFor;

        @Override
        public Integer call() {
            boolean json = c.json();
            String text = SpecFiles.read(file);
            String t = text.stripLeading();
            String type = t.startsWith("{") ? "application/json" : "application/yaml";
            ApiClient api = c.client();
            String key = idempotencyKey != null ? idempotencyKey : java.util.UUID.randomUUID().toString();
            if (!key.matches("[\\x21-\\x7E]{1,255}")) {
                throw new CliException("--idempotency-key: must be 1 to 255 visible ASCII characters (no spaces)", 2);
            }
            if (retryFor < 0 || retryFor > 86_400) {
                throw new CliException("--retry-for: must be between 0 and 86400 seconds", 2);
            }
            JsonNode r;
            try {
                r = api.postIdempotent("/api/v1/jobs", text, type, key, Duration.ofSeconds(retryFor));
            } catch (CliException e) {
                throw new CliException(("-".equals(file) ? "stdin" : file) + ": " + e.getMessage(), e.exitCode());
            }
            long id = r.get("id").asLong();
            if (!wait) {
                if (json) {
                    Output.json(r);
                } else {
                    System.out.println(id);
                }
                return 0;
            }
            if (!json) {
                System.out.println(id);
                System.out.flush();
            }
            JsonNode job = waitFor(api, id);
            String state = job.get("state").asString();
            if (json) {
                Output.json(job);
            } else {
                System.out.println("job " + id + " " + state + (job.hasNonNull("reason") ? ": "
                        + job.get("reason").asString() : ""));
            }
            return "SUCCEEDED".equals(state) ? 0 : 1;
        }

        static JsonNode waitFor(ApiClient api, long id) {
            long pause = 100;
            while (true) {
                JsonNode job = api.get("/api/v1/jobs/" + id);
                if (terminal(job.get("state").asString())) {
                    return job;
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CliException("interrupted while waiting for job " + id);
                }
                pause = Math.min(1000, pause * 2);
            }
        }
    }

    @Command(name = "jobs", mixinStandardHelpOptions = true,
            description = "List jobs, newest first.")
    static final class Jobs implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Option(names = "--state", description = "Only jobs in this state")
        String state;
        @Option(names = "--tenant", description = "Only jobs of this tenant")
        String tenant;
        @Option(names = "--limit", description = "At most this many (default 100, max 500)")
        int limit = 100;

        @Override
        public Integer call() {
            boolean json = c.json();
            Map<String, String> q = new LinkedHashMap<>();
            q.put("state", state == null ? null : state.toUpperCase());
            q.put("tenant", tenant);
            q.put("limit", Integer.toString(limit));
            JsonNode page = c.client().get("/api/v1/jobs" + ApiClient.query(q));
            JsonNode items = page.get("items");
            if (json) {
                Output.json(items);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode j : items) {
                rows.add(List.of(Output.text(j, "id"), Output.text(j, "name"), Output.text(j, "tenant"),
                        Output.text(j, "state"), place(j), age(j)));
            }
            Output.table(List.of("ID", "NAME", "TENANT", "STATE", "WHERE", "AGE"), rows);
            return 0;
        }

        static String place(JsonNode j) {
            if (!j.hasNonNull("center")) {
                return "-";
            }
            return j.get("center").asString() + "/" + Output.text(j, "accelerator");
        }

        static String age(JsonNode j) {
            try {
                Duration d = Duration.between(Instant.parse(j.get("submittedAt").asString()), Instant.now());
                long s = Math.max(0, d.getSeconds());
                return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s < 172800 ? s / 3600 + "h" : s / 86400 + "d";
            } catch (RuntimeException e) {
                return "-";
            }
        }
    }

    @Command(name = "job", mixinStandardHelpOptions = true,
            description = "Show one job.")
    static final class Job implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            boolean json = c.json();
            JsonNode j = c.client().get("/api/v1/jobs/" + parseId(id));
            if (json) {
                Output.json(j);
                return 0;
            }
            System.out.println("job " + Output.text(j, "id") + " " + Output.text(j, "name") + " (tenant "
                    + Output.text(j, "tenant") + ", priority " + Output.text(j, "priority") + ")");
            System.out.println("  state:     " + Output.text(j, "state") + (j.hasNonNull("reason") ? " - "
                    + j.get("reason").asString() : ""));
            System.out.println("  where:     " + Jobs.place(j) + "  attempt " + Output.text(j, "attempt"));
            System.out.println("  submitted: " + Output.text(j, "submittedAt") + "  started: "
                    + Output.text(j, "startedAt") + "  finished: " + Output.text(j, "finishedAt"));
            if (j.has("waiting")) {
                System.out.println("  waiting:   " + Output.text(j.get("waiting"), "message"));
            }
            for (JsonNode t : j.get("tasks")) {
                System.out.println("  task " + Output.text(t, "index") + ": " + Output.text(t, "node") + " cards "
                        + t.get("cards") + " " + Output.text(t, "state") + (t.hasNonNull("exitCode")
                        ? " exit " + t.get("exitCode").asString() : ""));
            }
            return 0;
        }
    }

    @Command(name = "explain", mixinStandardHelpOptions = true,
            description = "Why the job is where it is, or why it waits.")
    static final class Explain implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            boolean json = c.json();
            JsonNode e = c.client().get("/api/v1/jobs/" + parseId(id) + "/explain");
            if (json) {
                Output.json(e);
                return 0;
            }
            System.out.println("job " + Output.text(e, "id") + " is " + Output.text(e, "state") + ": "
                    + Output.text(e, "summary"));
            if (e.has("pendingAhead")) {
                System.out.println("  pending jobs ahead of it: " + e.get("pendingAhead").asString());
            }
            if (e.has("reservation")) {
                JsonNode r = e.get("reservation");
                System.out.println("  reservation: " + Output.text(r, "center") + "/" + Output.text(r, "pool")
                        + " from " + (r.path("startAt").isNumber() ? java.time.Instant.ofEpochMilli(
                        r.get("startAt").asLong()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        : Output.text(r, "startAt")));
            }
            if (e.has("placement")) {
                JsonNode p = e.get("placement");
                if (p.has("scores") && p.get("scores").isArray() && !p.get("scores").isEmpty()) {
                    System.out.println("  centers considered (lower total wins):");
                    List<List<String>> rows = new ArrayList<>();
                    for (JsonNode sc : p.get("scores")) {
                        rows.add(List.of("    " + Output.text(sc, "center") + "/" + Output.text(sc, "pool"),
                                Output.text(sc, "accelerator"), sc.path("fitsNow").asBoolean() ? "now" : "later",
                                fmt(sc.path("cost").asDouble()), fmt(sc.path("dataSeconds").asDouble()),
                                fmt(sc.path("latencyMs").asDouble()), fmt(sc.path("energy").asDouble()),
                                fmt(sc.path("total").asDouble())));
                    }
                    Output.table(List.of("    CENTER/POOL", "MODEL", "FITS", "COST", "DATA-S", "LATENCY-MS", "ENERGY",
                            "TOTAL"), rows);
                }
            }
            System.out.println("  recent events:");
            for (JsonNode ev : e.get("events")) {
                System.out.println("    " + Output.text(ev, "at") + "  " + Output.text(ev, "type") + "  "
                        + Output.text(ev, "message"));
            }
            return 0;
        }
    }

    static String fmt(double d) {
        return String.format(java.util.Locale.ROOT, "%.2f", d);
    }

    @Command(name = "logs", mixinStandardHelpOptions = true,
            description = "Print a job's task logs.")
    static final class Logs implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Parameters(index = "0", paramLabel = "ID")
        String id;
        @Option(names = "--task", description = "Only this task (default: all)")
        Integer task;
        @Option(names = {"-f", "--follow"}, description = "Stream until the job ends")
        boolean follow;

        @Override
        public Integer call() {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("task", task == null ? null : task.toString());
            q.put("follow", follow ? "true" : null);
            String path = "/api/v1/jobs/" + parseId(id) + "/logs" + ApiClient.query(q);
            if (follow) {
                c.client().stream(path);
            } else {
                System.out.print(c.client().getText(path));
            }
            return 0;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancel a job; running tasks are killed with their process trees.")
    static final class Cancel implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            boolean json = c.json();
            JsonNode r = c.client().post("/api/v1/jobs/" + parseId(id) + "/cancel", Map.of());
            if (json) {
                Output.json(r);
            } else {
                System.out.println("job " + Output.text(r, "id") + ": cancel requested (" + Output.text(r, "state") + ")");
            }
            return 0;
        }
    }
}
