package io.computegrid.scheduler;

import io.computegrid.model.Center;
import io.computegrid.model.JobSpec;
import io.computegrid.model.Pool;
import io.computegrid.model.TaskResources;
import java.util.List;
import java.util.Optional;

/**
 * Could any center ever run this job, even when empty? Used to reject at submission what would
 * otherwise wait forever.
 */
public final class Feasibility {
    private Feasibility() {
    }

    /** Empty when some pool could hold the whole gang; otherwise why none can. */
    public static Optional<String> check(JobSpec spec, List<Center> centers) {
        TaskResources r = spec.resources();
        String closest = null;
        for (Center c : centers) {
            if (!spec.centers().isEmpty() && !spec.centers().contains(c.name())) {
                continue;
            }
            for (Pool p : c.pools()) {
                if (r.milliCards() > 0 && !r.accepts(p.accelerator())) {
                    continue;
                }
                int perNode = tasksPerNode(p, r);
                if (perNode == 0) {
                    closest = "a task needs " + cards(r) + ", " + r.cpuMilli() / 1000.0 + " CPU and " + r.memoryMiB()
                            + " MiB; nodes of " + c.name() + "/" + p.name() + " have " + p.acceleratorsPerNode()
                            + " cards, " + p.cpuMilliPerNode() / 1000.0 + " CPU and " + p.memoryMiBPerNode() + " MiB";
                    continue;
                }
                if ((long) perNode * p.nodes() >= spec.tasks()) {
                    return Optional.empty();
                }
                closest = spec.tasks() + " tasks do not fit in " + c.name() + "/" + p.name() + " (" + p.nodes()
                        + " nodes, " + perNode + " tasks per node); a gang never spans pools or centers";
            }
        }
        if (closest != null) {
            return Optional.of("no center could ever run this job: " + closest);
        }
        String models = r.accelerators().isEmpty() ? "any model" : String.join(", ",
                r.accelerators().stream().map(a -> a.model()).toList());
        return Optional.of("no center" + (spec.centers().isEmpty() ? "" : " among " + spec.centers())
                + " has a pool of " + models);
    }

    static int tasksPerNode(Pool p, TaskResources r) {
        int byCpu = r.cpuMilli() == 0 ? Integer.MAX_VALUE : p.cpuMilliPerNode() / r.cpuMilli();
        long byMemL = r.memoryMiB() == 0 ? Integer.MAX_VALUE : p.memoryMiBPerNode() / r.memoryMiB();
        int byMem = (int) Math.min(Integer.MAX_VALUE, byMemL);
        int byCards;
        if (r.milliCards() == 0) {
            byCards = Integer.MAX_VALUE;
        } else if (r.milliCards() < 1000) {
            byCards = p.acceleratorsPerNode() * (1000 / r.milliCards());
        } else {
            byCards = p.acceleratorsPerNode() / (r.milliCards() / 1000);
        }
        int n = Math.min(byCards, Math.min(byCpu, byMem));
        return n == Integer.MAX_VALUE ? 1 << 20 : n;
    }

    private static String cards(TaskResources r) {
        return r.milliCards() % 1000 == 0 ? r.milliCards() / 1000 + " cards" : r.milliCards() / 1000.0 + " of a card";
    }
}
