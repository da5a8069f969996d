package io.computegrid.spec;

import io.computegrid.model.AcceleratorCatalog;
import io.computegrid.model.Dataset;
import io.computegrid.model.JobSpec;
import io.computegrid.model.Objective;
import io.computegrid.model.TaskResources;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The job spec wire format (YAML or JSON, CONTRACT.md). Strict: unknown fields, wrong types,
 * unknown accelerator models and absurd numbers are rejected with the field's path.
 */
public final class JobSpecParser {
    static final Set<String> TOP = new LinkedHashSet<>(List.of("name", "tenant", "priority", "tasks", "resources",
            "command", "env", "maxRuntime", "minRuntime", "preemptible", "objective", "datasets", "centers", "budget"));

    private final WorkloadFields workload;

    public JobSpecParser(AcceleratorCatalog catalog) {
        this.workload = new WorkloadFields(catalog);
    }

    public JobSpec parse(String text, String source) {
        return parse(Documents.parse(text, source));
    }

    public JobSpec parse(JsonNode doc) {
        Fields f = new Fields(doc, "");
        f.rejectUnknown(TOP);
        String name = WorkloadFields.name(f);
        String tenant = WorkloadFields.tenant(f);
        int tasks = (int) f.integer("tasks", 1, 1, JobSpec.MAX_TASKS);
        TaskResources res = workload.resources(f);
        List<String> command = WorkloadFields.command(f.raw("command"));
        Map<String, String> env = WorkloadFields.env(f);
        String objective = f.string("objective", null);
        List<Dataset> datasets = new ArrayList<>();
        for (Fields d : f.objects("datasets")) {
            d.rejectUnknown(Set.of("name", "center", "sizeGb"));
            datasets.add(d.build(() -> new Dataset(d.requiredString("name"), d.requiredString("center"),
                    d.number("sizeGb", 0, 0, 1e9))));
        }
        List<String> centers = WorkloadFields.centers(f);
        String priority = WorkloadFields.priority(f);
        return f.build(() -> new JobSpec(name, tenant, priority, tasks, res, command, env,
                Quantities.duration(f.raw("maxRuntime"), "maxRuntime"),
                Quantities.duration(f.raw("minRuntime"), "minRuntime"),
                f.bool("preemptible", false),
                objective == null ? null : Objective.parse(objective), datasets, centers,
                f.decimal("budget", null, java.math.BigDecimal.ZERO, new java.math.BigDecimal("1000000000000"))));
    }
}
