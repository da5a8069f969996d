package io.computegrid.cli.serving;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Gateway overhead: the same replica at the same concurrency, loaded directly on its endpoint and through
 * {@code /serve/...}, in interleaved rounds (so drift on a shared machine hits both alike); p50 and p99 of all
 * rounds pooled per path, and their ratios. Run twice: with the replica's simulated inference latency, and with
 * none, so the reader sees the absolute time the gateway adds as well as the ratio a real model would see.
 */
public final class GatewayBench {
    /** Benchmark settings. */
    public record Options(long latencyMillis, int concurrency, int rounds, double roundSeconds, boolean zeroWork) {
    }

    static final String FEDERATION = """
            centers:
              - name: bench
                region: local
                pools:
                  - {name: a100, accelerator: nvidia-a100, nodes: 1, acceleratorsPerNode: 8, cpu: 64, memory: 256Gi, pricePerCardHour: 0}
            tenants:
              - name: bench
                quota: {nvidia-a100: 8}
            """;

    private GatewayBench() {
    }

    public static Map<String, Object> run(Options o, Consumer<String> progress) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("concurrency", o.concurrency());
        out.put("rounds", o.rounds());
        out.put("roundSeconds", o.roundSeconds());
        out.put("goalP99Ratio", 1.2);
        progress.accept("starting a scratch server (embedded PostgreSQL)");
        try (ScratchServer s = new ScratchServer(FEDERATION)) {
            String token = s.memberToken("bench");
            io.computegrid.cli.ApiClient member = new io.computegrid.cli.ApiClient(s.url(), token);
            Map<String, Object> work = measure(s, member, token, "gw", o.latencyMillis(), o, progress);
            out.put("replicaLatencyMillis", o.latencyMillis());
            out.putAll(work);
            if (o.zeroWork()) {
                out.put("zeroWork", measure(s, member, token, "gw0", 0, o, progress));
            }
        }
        double ratio = (Double) out.get("p99Ratio");
        out.put("meetsGoal", ratio <= 1.2);
        return out;
    }

    private static Map<String, Object> measure(ScratchServer s, io.computegrid.cli.ApiClient member, String token,
                                               String name, long latency, Options o, Consumer<String> progress)
            throws Exception {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", name);
        spec.put("resources", Map.of("accelerator", "nvidia-a100", "count", 1, "cpu", 1, "memory", "256Mi"));
        spec.put("command", ReplicaCommand.modelServer(latency, name));
        spec.put("replicas", Map.of("min", 1, "max", 1, "initial", 1));
        long id = s.createService(member, spec).get("id").asLong();
        progress.accept("service " + name + " (replica latency " + latency + " ms): waiting for its replica");
        JsonNode v = s.await(id, Duration.ofSeconds(60), x -> x.get("readyReplicas").asInt() == 1);
        String endpoint = v.get("replicas").get(0).get("endpoint").asString();
        URI direct = URI.create("http://" + endpoint + "/v1/completions");
        URI gateway = URI.create(s.url() + "/serve/bench/" + name + "/v1/completions");
        byte[] body = "{\"prompt\": \"benchmark\"}".getBytes(StandardCharsets.UTF_8);
        // warm both paths (the server's JIT, connection pools) before measuring: twice each, a round or 2 s
        double warm = Math.max(2.0, o.roundSeconds());
        for (int i = 0; i < 2; i++) {
            round(direct, null, body, o.concurrency(), warm);
            round(gateway, token, body, o.concurrency(), warm);
        }
        long[][] pooled = new long[2][];
        double[] throughput = new double[2];
        double[] roundRatios = new double[o.rounds()];
        for (int r = 0; r < o.rounds(); r++) {
            double[] p99 = new double[2];
            for (int k = 0; k < 2; k++) {
                // alternate which path goes first, so neither always runs on a warmer machine
                int path = (r % 2 == 0) ? k : 1 - k;
                LoadGenerator g = round(path == 0 ? direct : gateway, path == 0 ? null : token, body, o.concurrency(),
                        o.roundSeconds());
                pooled[path] = concat(pooled[path], g.latenciesNanos());
                throughput[path] += g.latenciesNanos().length / o.roundSeconds();
                p99[path] = p(g.latenciesNanos(), 0.99);
            }
            roundRatios[r] = p99[1] / p99[0];
            progress.accept(String.format(java.util.Locale.ROOT, "%s round %d/%d: direct p99 %.2f ms, gateway p99 %.2f ms",
                    name, r + 1, o.rounds(), p(pooled[0], 0.99), p(pooled[1], 0.99)));
        }
        s.admin().delete("/api/v1/services/" + id);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("direct", stats(pooled[0], throughput[0] / o.rounds()));
        m.put("gateway", stats(pooled[1], throughput[1] / o.rounds()));
        m.put("p50Ratio", LoadGenerator.round(p(pooled[1], 0.5) / p(pooled[0], 0.5)));
        m.put("p99Ratio", LoadGenerator.round(p(pooled[1], 0.99) / p(pooled[0], 0.99)));
        Arrays.sort(roundRatios);
        // each round's own ratio, the median of them: what a noisy neighbour does to one round stays in that round
        m.put("medianRoundP99Ratio", LoadGenerator.round(roundRatios[roundRatios.length / 2]));
        m.put("addedP50Millis", LoadGenerator.round(p(pooled[1], 0.5) - p(pooled[0], 0.5)));
        m.put("addedP99Millis", LoadGenerator.round(p(pooled[1], 0.99) - p(pooled[0], 0.99)));
        return m;
    }

    private static LoadGenerator round(URI url, String token, byte[] body, int concurrency, double seconds)
            throws InterruptedException {
        LoadGenerator g = new LoadGenerator(new LoadGenerator.Options(url, token, "POST", body, concurrency, 0,
                Duration.ofMillis((long) (seconds * 1000)), LoadGenerator.MAX_REQUESTS, Duration.ofSeconds(30)));
        LoadGenerator.Result r = g.run(x -> { });
        if (r.errors() > 0) {
            throw new IllegalStateException(r.errors() + " request(s) to " + url + " failed: " + r.statuses());
        }
        return g;
    }

    private static Map<String, Object> stats(long[] lat, double throughput) {
        return new LinkedHashMap<>(Map.of("requests", lat.length, "p50Millis", LoadGenerator.round(p(lat, 0.5)),
                "p99Millis", LoadGenerator.round(p(lat, 0.99)), "throughput", LoadGenerator.round(throughput)));
    }

    private static double p(long[] lat, double q) {
        long[] s = lat.clone();
        Arrays.sort(s);
        return LoadGenerator.percentileMillis(s, q);
    }

    private static long[] concat(long[] a, long[] b) {
        if (a == null) {
            return b;
        }
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
