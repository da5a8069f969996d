package io.computegrid.scheduler;

import io.computegrid.config.FederationConfig;
import io.computegrid.config.FederationConfigParser;
import io.computegrid.model.AcceleratorCatalog;
import io.computegrid.model.AcceleratorChoice;
import io.computegrid.model.Center;
import io.computegrid.model.Dataset;
import io.computegrid.model.Objective;
import io.computegrid.model.Pool;
import io.computegrid.model.Quota;
import io.computegrid.model.TaskResources;
import io.computegrid.model.Tenant;
import io.computegrid.model.Tier;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Fluent builder of federations, nodes and jobs for scheduler tests. */
final class Fed {
    final List<Center> centers = new ArrayList<>();
    final List<Tenant> tenants = new ArrayList<>();
    final List<NodeInfo> nodes = new ArrayList<>();
    final List<RunningJob> running = new ArrayList<>();
    final List<PendingJob> pending = new ArrayList<>();
    final Map<String, Double> decayed = new HashMap<>();
    final Map<String, JsonNode> sections = new LinkedHashMap<>();
    long seq = 1;

    static Fed create() {
        return new Fed();
    }

    /** A center with one pool of {@code nodes} nodes of {@code cards} cards. */
    Fed center(String name, String pool, String model, int nodeCount, int cards) {
        return center(name, "default", pool, model, nodeCount, cards, 0, 0, 1.3);
    }

    Fed center(String name, String region, String pool, String model, int nodeCount, int cards, double price,
               double green, double pue) {
        Pool p = new Pool(pool, model, nodeCount, cards, 64_000, 512L * 1024, BigDecimal.valueOf(price));
        Center existing = centers.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
        if (existing != null) {
            centers.remove(existing);
            List<Pool> pools = new ArrayList<>(existing.pools());
            pools.add(p);
            centers.add(new Center(name, existing.region(), Tier.CLOUD, null, pools, existing.greenShare(),
                    existing.pue(), null));
        } else {
            centers.add(new Center(name, region, Tier.CLOUD, null, List.of(p), green, pue, null));
        }
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(new NodeInfo(name + "-" + pool + "-" + i, name, pool, model, cards, 64_000, 512L * 1024, true));
        }
        return this;
    }

    Fed tenant(String name, String model, int nominal) {
        return tenant(name, 1.0, new Quota(model, nominal, null, null));
    }

    Fed tenant(String name, double weight, Quota... quotas) {
        tenants.add(new Tenant(name, weight, null, Arrays.asList(quotas)));
        return this;
    }

    Fed section(String name, String yaml) {
        sections.put(name, io.computegrid.spec.Documents.parse(yaml, "test"));
        return this;
    }

    FederationConfig config() {
        return new FederationConfig(AcceleratorCatalog.defaults(), centers, tenants, List.of(), "CNY", sections);
    }

    Snapshot snapshot() {
        return new Snapshot(config(), nodes, running, pending, decayed);
    }

    static TaskResources res(int milli, String... models) {
        List<AcceleratorChoice> m = new ArrayList<>();
        for (String s : models) {
            m.add(AcceleratorChoice.of(s));
        }
        return new TaskResources(m, milli, 1000, 1024);
    }

    /** A pending job: id, tenant, gang size, cards per task (whole), max runtime in seconds. */
    PendingJob job(long id, String tenant, int tasks, int cards, long maxRuntimeSec, String... models) {
        return job(id, tenant, 100, tasks, cards * 1000, maxRuntimeSec, models);
    }

    PendingJob job(long id, String tenant, int priority, int tasks, int milli, long maxRuntimeSec, String... models) {
        PendingJob j = new PendingJob(id, tenant, priority, seq++, 0, tasks, res(milli, models), maxRuntimeSec * 1000,
                0, true, Objective.BALANCED, List.of(), List.of(), 0, 0);
        pending.add(j);
        return j;
    }

    PendingJob add(PendingJob j) {
        pending.add(j);
        return j;
    }

    /** A running job on explicit nodes: whole cards 0..cards-1 on each named node (one task per node). */
    RunningJob run(long id, String tenant, int priority, long startedAt, long maxRuntimeSec, int cards,
                   String... nodeNames) {
        List<TaskAllocation> tasks = new ArrayList<>();
        NodeInfo first = null;
        int t = 0;
        for (String n : nodeNames) {
            NodeInfo node = nodes.stream().filter(x -> x.name().equals(n)).findFirst().orElseThrow();
            first = first == null ? node : first;
            int[] used = usedCards(n, cards);
            tasks.add(new TaskAllocation(t++, n, used, 1000, 1000, 1024));
        }
        RunningJob r = new RunningJob(id, tenant, priority, first.center(), first.pool(), first.accelerator(), tasks,
                startedAt, maxRuntimeSec * 1000, 0, 0, true);
        running.add(r);
        return r;
    }

    private int[] usedCards(String node, int cards) {
        boolean[] busy = new boolean[64];
        for (RunningJob r : running) {
            for (TaskAllocation a : r.tasks()) {
                if (a.node().equals(node)) {
                    for (int c : a.cards()) {
                        busy[c] = true;
                    }
                }
            }
        }
        int[] out = new int[cards];
        int k = 0;
        for (int c = 0; k < cards; c++) {
            if (!busy[c]) {
                out[k++] = c;
            }
        }
        return out;
    }

    static FederationConfig parse(String yaml) {
        return FederationConfigParser.parse(yaml, "test");
    }

    static Dataset dataset(String name, String center, double gb) {
        return new Dataset(name, center, gb);
    }
}
