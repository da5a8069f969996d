package io.computegrid.cli.serving;

import io.computegrid.cli.ApiClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Scale-up reaction: a service with one warm replica and the default windows (stable 60 s, panic 6 s) gets a step
 * of load; measured from the step to the autoscaler's decision (its SCALED event), to the first new replica ready
 * and to all replicas of that decision ready (REPLICA_READY events), over several repeats, each on a fresh service.
 */
public final class AutoscaleBench {
    /** Benchmark settings. */
    public record Options(int repeats, int concurrency, double targetInFlight, int maxReplicas, long latencyMillis) {
    }

    private AutoscaleBench() {
    }

    public static Map<String, Object> run(Options o, Consumer<String> progress) throws Exception {
        List<Map<String, Object>> runs = new ArrayList<>();
        progress.accept("starting a scratch server (embedded PostgreSQL)");
        try (ScratchServer s = new ScratchServer(GatewayBench.FEDERATION)) {
            String token = s.memberToken("bench");
            ApiClient member = new ApiClient(s.url(), token);
            for (int i = 1; i <= o.repeats(); i++) {
                runs.add(once(s, member, token, "scale" + i, o, progress));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("repeats", o.repeats());
        out.put("concurrency", o.concurrency());
        out.put("targetInFlight", o.targetInFlight());
        out.put("maxReplicas", o.maxReplicas());
        out.put("replicaLatencyMillis", o.latencyMillis());
        out.put("decisionSeconds", summary(runs, "decisionSeconds"));
        out.put("firstReadySeconds", summary(runs, "firstReadySeconds"));
        out.put("allReadySeconds", summary(runs, "allReadySeconds"));
        out.put("goalSeconds", 6.0);
        out.put("meetsGoal", (Double) ((Map<?, ?>) out.get("allReadySeconds")).get("max") <= 6.0);
        out.put("runs", runs);
        return out;
    }

    private static Map<String, Object> once(ScratchServer s, ApiClient member, String token, String name, Options o,
                                            Consumer<String> progress) throws Exception {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", name);
        spec.put("resources", Map.of("accelerator", "nvidia-a100", "count", 1, "cpu", 1, "memory", "256Mi"));
        spec.put("command", ReplicaCommand.modelServer(o.latencyMillis(), name));
        spec.put("replicas", Map.of("min", 1, "max", o.maxReplicas(), "initial", 1));
        spec.put("autoscaling", Map.of("targetInFlight", o.targetInFlight()));
        long id = s.createService(member, spec).get("id").asLong();
        s.await(id, Duration.ofSeconds(60), x -> x.get("readyReplicas").asInt() == 1);
        Thread.sleep(2_000); // idle: the windows see calm before the step
        progress.accept(name + ": load step to " + o.concurrency() + " in flight");
        URI url = URI.create(s.url() + "/serve/bench/" + name + "/v1/completions");
        LoadGenerator load = new LoadGenerator(new LoadGenerator.Options(url, token, "POST",
                "{\"prompt\": \"x\"}".getBytes(StandardCharsets.UTF_8), o.concurrency(), 0, Duration.ofSeconds(30),
                LoadGenerator.MAX_REQUESTS, Duration.ofSeconds(30)));
        long step = System.currentTimeMillis();
        CompletableFuture<LoadGenerator.Result> running = CompletableFuture.supplyAsync(() -> {
            try {
                return load.run(x -> { });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        // wait for the decision, then for its replicas
        JsonNode decided = s.await(id, Duration.ofSeconds(30), x -> x.get("desiredReplicas").asInt() > 1);
        int want = decided.get("desiredReplicas").asInt();
        s.await(id, Duration.ofSeconds(30), x -> x.get("readyReplicas").asInt() >= want);
        running.get();
        Long decision = null;
        List<Long> ready = new ArrayList<>();
        for (JsonNode e : s.events(id)) {
            long at = Instant.parse(e.get("at").asString()).toEpochMilli();
            if (at < step) {
                continue;
            }
            String type = e.get("type").asString();
            if (decision == null && type.equals("SCALED") && e.get("message").asString().startsWith("autoscaler: 1 ->")) {
                decision = at;
            } else if (type.equals("REPLICA_READY")) {
                ready.add(at);
            }
        }
        if (decision == null || ready.size() < want - 1) {
            throw new IllegalStateException(name + ": no scale-up decision or too few ready events: " + s.events(id));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("service", name);
        m.put("desiredAtDecision", want);
        m.put("decisionSeconds", (decision - step) / 1000.0);
        m.put("firstReadySeconds", (ready.get(0) - step) / 1000.0);
        m.put("allReadySeconds", (ready.get(want - 2) - step) / 1000.0);
        progress.accept(String.format(Locale.ROOT, "%s: decision at %.2f s (%d replicas), first new ready at %.2f s, "
                        + "all at %.2f s", name, m.get("decisionSeconds"), want, m.get("firstReadySeconds"),
                m.get("allReadySeconds")));
        s.admin().delete("/api/v1/services/" + id);
        return m;
    }

    private static Map<String, Object> summary(List<Map<String, Object>> runs, String key) {
        List<Double> v = runs.stream().map(r -> (Double) r.get(key)).sorted().toList();
        return new LinkedHashMap<>(Map.of("median", v.get(v.size() / 2), "max", v.get(v.size() - 1),
                "min", v.get(0)));
    }
}
