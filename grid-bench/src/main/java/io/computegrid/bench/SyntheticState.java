package io.computegrid.bench;

import io.computegrid.config.FederationConfig;
import io.computegrid.model.AcceleratorCatalog;
import io.computegrid.model.AcceleratorChoice;
import io.computegrid.model.Center;
import io.computegrid.model.Objective;
import io.computegrid.model.Pool;
import io.computegrid.model.Quota;
import io.computegrid.model.TaskResources;
import io.computegrid.model.Tenant;
import io.computegrid.model.Tier;
import io.computegrid.scheduler.NodeInfo;
import io.computegrid.scheduler.PendingJob;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A synthetic federation for benchmarks: {@code nodes} nodes of 8 cards spread over 4 centers (one
 * accelerator model each, different prices and energy), {@code tenants} tenants with equal nominal
 * quotas (unlimited borrowing), and {@code pending} jobs of mixed shapes (mostly 1-4 cards, some full
 * nodes, some gangs of 2-4 full nodes, some half cards; one or two acceptable models; limits 10 min
 * to 4 h). Seeded: the same arguments give the same state.
 */
public final class SyntheticState {
    public static final String[] MODELS = {"nvidia-a100", "nvidia-h100", "ascend-910b", "nvidia-v100"};
    public static final String[] CENTERS = {"changsha", "beijing", "shenzhen", "chengdu"};

    public final FederationConfig federation;
    public final List<NodeInfo> nodes;
    public final List<PendingJob> pending;

    private SyntheticState(FederationConfig federation, List<NodeInfo> nodes, List<PendingJob> pending) {
        this.federation = federation;
        this.nodes = nodes;
        this.pending = pending;
    }

    public static SyntheticState generate(int nodeCount, int pendingCount, int tenantCount, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Center> centers = new ArrayList<>();
        List<NodeInfo> nodes = new ArrayList<>(nodeCount);
        int[] perCenter = new int[CENTERS.length];
        for (int i = 0; i < nodeCount; i++) {
            perCenter[i % CENTERS.length]++;
        }
        for (int c = 0; c < CENTERS.length; c++) {
            Pool p = new Pool("main", MODELS[c], Math.min(100_000, perCenter[c]), 8, 128_000, 1024L * 1024,
                    BigDecimal.valueOf(10 + 5 * c));
            centers.add(new Center(CENTERS[c], "region-" + (c % 2), Tier.CLOUD, null, List.of(p), 0.2 * c, 1.1 + 0.1 * c,
                    null));
            for (int i = 0; i < perCenter[c]; i++) {
                nodes.add(new NodeInfo(CENTERS[c] + "-n" + i, CENTERS[c], "main", MODELS[c], 8, 128_000, 1024L * 1024,
                        true));
            }
        }
        List<Tenant> tenants = new ArrayList<>();
        String[] names = new String[tenantCount];
        for (int t = 0; t < tenantCount; t++) {
            names[t] = "tenant-" + t;
            List<Quota> quotas = new ArrayList<>();
            for (int c = 0; c < CENTERS.length; c++) {
                quotas.add(new Quota(MODELS[c], Math.max(1, perCenter[c] * 8 / tenantCount), null, null));
            }
            tenants.add(new Tenant(names[t], 1 + (t % 3), "region-" + (t % 2), quotas));
        }
        FederationConfig fed = new FederationConfig(AcceleratorCatalog.defaults(), centers, tenants, List.of(), "CNY",
                Map.of());
        // a small set of shapes shared by many jobs, as parsed specs of a few templates would be
        List<TaskResources> shapes = new ArrayList<>();
        int[] cardsOptions = {1000, 2000, 4000, 8000, 500};
        for (int m = 0; m < MODELS.length; m++) {
            for (int k : cardsOptions) {
                shapes.add(new TaskResources(List.of(AcceleratorChoice.of(MODELS[m])), k, 4000, 32 * 1024));
                shapes.add(new TaskResources(List.of(AcceleratorChoice.of(MODELS[m]),
                        AcceleratorChoice.of(MODELS[(m + 1) % MODELS.length])), k, 4000, 32 * 1024));
            }
        }
        List<PendingJob> pending = new ArrayList<>(pendingCount);
        for (int j = 0; j < pendingCount; j++) {
            int r = rnd.nextInt(100);
            int cardsIdx;
            int tasks = 1;
            if (r < 30) {
                cardsIdx = 0;
            } else if (r < 55) {
                cardsIdx = 1;
            } else if (r < 75) {
                cardsIdx = 2;
            } else if (r < 88) {
                cardsIdx = 3;
            } else if (r < 95) {
                cardsIdx = 3;
                tasks = 2 + rnd.nextInt(3);
            } else {
                cardsIdx = 4;
            }
            TaskResources shape = shapes.get(rnd.nextInt(MODELS.length) * cardsOptions.length * 2 + cardsIdx * 2
                    + rnd.nextInt(2));
            long limit = (10 + rnd.nextInt(230)) * 60_000L;
            int priority = rnd.nextInt(20) == 0 ? 1000 : 100;
            pending.add(new PendingJob(j + 1, names[rnd.nextInt(tenantCount)], priority, j + 1, 0, tasks, shape, limit,
                    0, true, Objective.BALANCED, List.of(), List.of(), 0, limit / 2));
        }
        return new SyntheticState(fed, nodes, pending);
    }
}
