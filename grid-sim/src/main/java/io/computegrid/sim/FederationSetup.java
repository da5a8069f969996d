package io.computegrid.sim;

import io.computegrid.config.FederationConfig;
import io.computegrid.model.Accelerator;
import io.computegrid.model.AcceleratorCatalog;
import io.computegrid.model.Center;
import io.computegrid.model.Pool;
import io.computegrid.model.Quota;
import io.computegrid.model.Tenant;
import io.computegrid.model.Tier;
import io.computegrid.sim.trace.TraceException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the federation a replay runs on: tenants for trace tenants, and federations from node lists. */
public final class FederationSetup {
    /**
     * The GPU models of Alibaba's openb trace. FP16 dense TFLOPS are vendor figures where the model is
     * public (T4 65, P100 19, V100 125, A10 125); G2 and G3 are undisclosed models: 100 is a placeholder
     * that only matters for normalised-compute quotas and prices, not for packing.
     */
    public static final List<Accelerator> OPENB_MODELS = List.of(
            new Accelerator("G2", "alibaba", 100, "CUDA_VISIBLE_DEVICES"),
            new Accelerator("T4", "nvidia", 65, "CUDA_VISIBLE_DEVICES"),
            new Accelerator("G3", "alibaba", 100, "CUDA_VISIBLE_DEVICES"),
            new Accelerator("P100", "nvidia", 19, "CUDA_VISIBLE_DEVICES"),
            new Accelerator("V100M32", "nvidia", 125, "CUDA_VISIBLE_DEVICES"),
            new Accelerator("V100M16", "nvidia", 125, "CUDA_VISIBLE_DEVICES"),
            new Accelerator("A10", "nvidia", 125, "CUDA_VISIBLE_DEVICES"));
    /** The accelerator name of pools of nodes without cards. */
    public static final String NO_ACCELERATOR = "cpu-only";

    private FederationSetup() {
    }

    /**
     * The federation with tenants for the trace's tenants when it declares none: equal nominal
     * shares of every model, unlimited borrowing of what is idle. With {@code tenantCenters} a
     * tenant's nominal share is instead the cards of the center named after it.
     */
    public static FederationConfig withTraceTenants(FederationConfig fed, Collection<String> traceTenants,
                                                    boolean tenantCenters) {
        if (!fed.tenants().isEmpty() || traceTenants.isEmpty()) {
            return fed;
        }
        Map<String, Long> cardsByModel = new LinkedHashMap<>();
        for (Center c : fed.centers()) {
            for (Pool p : c.pools()) {
                if (p.acceleratorsPerNode() > 0) {
                    cardsByModel.merge(p.accelerator(), p.totalCards(), Long::sum);
                }
            }
        }
        List<Tenant> tenants = new ArrayList<>();
        for (String name : traceTenants) {
            List<Quota> quotas = new ArrayList<>();
            for (Map.Entry<String, Long> e : cardsByModel.entrySet()) {
                long nominal;
                if (tenantCenters) {
                    nominal = fed.center(name).map(c -> c.pools().stream()
                            .filter(p -> p.accelerator().equals(e.getKey())).mapToLong(Pool::totalCards).sum())
                            .orElse(0L);
                } else {
                    nominal = e.getValue() / traceTenants.size();
                }
                quotas.add(new Quota(e.getKey(), (int) Math.min(10_000_000, nominal), null, null));
            }
            tenants.add(Tenant.of(name, quotas));
        }
        return new FederationConfig(fed.catalog(), fed.centers(), tenants, fed.priorityClasses(), fed.currency(),
                fed.sections());
    }

    /** One node of a node list: its size and model ({@code null} or empty: no cards). */
    public record NodeSpec(String name, int cpuMilli, long memoryMiB, int gpus, String model) {
    }

    /**
     * A federation of one center ({@code centerName}) whose pools group identical nodes of the list
     * (same model, cards, CPU and memory), with the openb GPU models in the catalog.
     */
    public static FederationConfig fromNodes(String centerName, List<NodeSpec> nodes) {
        AcceleratorCatalog catalog = AcceleratorCatalog.defaults().with(OPENB_MODELS)
                .with(List.of(new Accelerator(NO_ACCELERATOR, "none", 1, "GRID_VISIBLE_DEVICES")));
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, NodeSpec> shape = new LinkedHashMap<>();
        for (NodeSpec n : nodes) {
            String model = n.model() == null || n.model().isBlank() || n.gpus() == 0 ? NO_ACCELERATOR : n.model();
            if (!catalog.contains(model)) {
                throw new TraceException("node " + n.name() + ": unknown GPU model '" + model + "' (known: "
                        + OPENB_MODELS.stream().map(Accelerator::model).toList() + ")");
            }
            String key = (model + "-" + n.gpus() + "g-" + n.cpuMilli() / 1000 + "c-" + n.memoryMiB() / 1024 + "gi")
                    .toLowerCase(java.util.Locale.ROOT);
            counts.computeIfAbsent(key, k -> new int[1])[0]++;
            shape.putIfAbsent(key, new NodeSpec(key, n.cpuMilli(), n.memoryMiB(), n.gpus(), model));
        }
        List<Pool> pools = new ArrayList<>();
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            NodeSpec s = shape.get(e.getKey());
            pools.add(new Pool(e.getKey(), s.model(), e.getValue()[0], s.gpus(), s.cpuMilli(), s.memoryMiB(), null));
        }
        Center c = Center.local(centerName, null, Tier.CLOUD, pools);
        return new FederationConfig(catalog, List.of(c), List.of(), List.of(), "CNY", Map.of());
    }
}
