package io.computegrid.sim;

import io.computegrid.config.FederationConfig;
import io.computegrid.model.AcceleratorChoice;
import io.computegrid.model.Center;
import io.computegrid.model.JobSpec;
import io.computegrid.model.Pool;
import io.computegrid.model.TaskResources;
import io.computegrid.scheduler.Feasibility;
import io.computegrid.sim.trace.TraceJob;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps a trace job onto the federation: splits a request larger than any node into a gang of
 * identical tasks (the largest divisor of the card count that fits a node: 16 cards on 8-card
 * nodes are 2 tasks of 8, 12 are 2 of 6), pins it to its center (or, with tenant centers, to the
 * center named after its tenant), and rejects what no center could ever run, with the reason the
 * server would give ({@link Feasibility}). Shapes repeat, so resources and verdicts are cached.
 */
final class JobFactory {
    private record Shape(long milliGpus, int cpu, long mem, List<String> models, String center) {
    }

    private record Mapped(int tasks, TaskResources perTask, List<String> centers, int partition, String rejection) {
    }

    private final FederationConfig fed;
    private final SimOptions options;
    private final Map<Shape, Mapped> cache = new HashMap<>();

    JobFactory(FederationConfig fed, SimOptions options) {
        this.fed = fed;
        this.options = options;
    }

    SimJob create(TraceJob t, long id, Cluster cluster) {
        String center = t.center();
        if (options.tenantCenters() && center == null) {
            center = t.tenant();
        }
        Mapped m = cache.computeIfAbsent(new Shape(t.milliGpus(), t.cpuMilli(), t.memoryMiB(), t.gpuTypes(), center),
                s -> map(s, cluster));
        long duration = Math.max(0, t.durationMillis());
        SimJob j = new SimJob(id, t.jobId(), t.tenant(), t.submitMillis(), duration, m.tasks, m.perTask,
                t.maxRuntimeMillis(), m.centers, m.partition);
        j.requestedMilli = t.milliGpus();
        if (t.dataCenter() != null && t.dataGb() > 0) {
            j.datasets = List.of(new io.computegrid.model.Dataset("input", t.dataCenter(), t.dataGb()));
        }
        if (m.rejection == null && !fed.tenants().isEmpty() && fed.tenants().stream()
                .noneMatch(x -> x.name().equals(t.tenant()))) {
            j.status = SimJob.Status.REJECTED;
            j.reason = "tenant '" + t.tenant() + "' is not in the federation";
        } else if (m.rejection != null) {
            j.status = SimJob.Status.REJECTED;
            j.reason = m.rejection;
        }
        return j;
    }

    private Mapped map(Shape s, Cluster cluster) {
        List<AcceleratorChoice> choices = s.models.stream().map(AcceleratorChoice::of).toList();
        List<String> centers = s.center == null ? List.of() : List.of(s.center);
        int partition = 0;
        if (options.tenantCenters()) {
            partition = cluster.centerIndex(s.center);
            if (partition < 0) {
                return new Mapped(1, new TaskResources(choices, 0, 0, 0), centers, 0,
                        "no center named '" + s.center + "' (each tenant runs in its own center)");
            }
        }
        int tasks = 1;
        long milli = s.milliGpus;
        if (milli > 1000) {
            int cards = (int) Math.min(Integer.MAX_VALUE, milli / 1000);
            int perNode = largestNode(s.models, s.center);
            if (perNode == 0) {
                return new Mapped(1, new TaskResources(choices, 0, 0, 0), centers, partition,
                        "no pool " + (s.models.isEmpty() ? "" : "of " + String.join("|", s.models) + " ")
                                + (s.center == null ? "" : "in " + s.center + " ") + "has accelerators");
            }
            int d = Math.min(perNode, cards);
            while (cards % d != 0) {
                d--;
            }
            tasks = cards / d;
            milli = d * 1000L;
        }
        if (tasks > JobSpec.MAX_TASKS) {
            return new Mapped(1, new TaskResources(choices, 0, 0, 0), centers, partition,
                    "a gang of " + tasks + " tasks is more than " + JobSpec.MAX_TASKS);
        }
        TaskResources r = new TaskResources(choices, (int) milli, (int) Math.min(Integer.MAX_VALUE, s.cpu / tasks),
                s.mem / tasks);
        JobSpec spec = new JobSpec("sim", null, null, tasks, r, List.of("sim"), null, null, null, false, null, null,
                centers);
        Optional<String> why = Feasibility.check(spec, fed.centers());
        return new Mapped(tasks, r, centers, partition, why.orElse(null));
    }

    private int largestNode(List<String> models, String center) {
        int best = 0;
        for (Center c : fed.centers()) {
            if (center != null && !center.equals(c.name())) {
                continue;
            }
            for (Pool p : c.pools()) {
                if (models.isEmpty() || models.contains(p.accelerator())) {
                    best = Math.max(best, p.acceleratorsPerNode());
                }
            }
        }
        return best;
    }
}
