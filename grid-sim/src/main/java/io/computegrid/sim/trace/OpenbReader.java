package io.computegrid.sim.trace;

import io.computegrid.model.Names;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Alibaba's openb pod list. A pod is one task: {@code num_gpu} whole cards, or with one GPU
 * {@code gpu_milli} thousandths of a card; {@code gpu_spec} ("V100M16|V100M32") restricts the model;
 * the QoS class is the tenant. Submit time is {@code creation_time}; run time is
 * {@code deletion_time - scheduled_time} (or minus creation time for pods never scheduled).
 * Variants without the time columns have durations of -1 (usable only with {@code --fill}).
 */
final class OpenbReader extends CsvTraceReader {
    private final int name;
    private final int cpu;
    private final int mem;
    private final int numGpu;
    private final int gpuMilli;
    private final int spec;
    private final int qos;
    private final int created;
    private final int deleted;
    private final int scheduled;
    private long count;

    OpenbReader(Path file) {
        super(file);
        try {
            name = rows.require("name");
            cpu = rows.require("cpu_milli");
            mem = rows.require("memory_mib");
            numGpu = rows.require("num_gpu");
            gpuMilli = rows.require("gpu_milli");
            spec = rows.optional("gpu_spec");
            qos = rows.optional("qos");
            created = rows.optional("creation_time");
            deleted = rows.optional("deletion_time");
            scheduled = rows.optional("scheduled_time");
        } catch (RuntimeException e) {
            rows.close();
            throw e;
        }
    }

    @Override
    protected TraceJob parse() {
        count++;
        String id = rows.text(name);
        if (id.isEmpty()) {
            id = "pod-" + count;
        }
        long cpuMilli = rows.wholeNonNegative(cpu);
        long memMiB = rows.wholeNonNegative(mem);
        long n = rows.wholeNonNegative(numGpu);
        long milli = rows.wholeNonNegative(gpuMilli);
        long total;
        if (n == 0) {
            total = 0;
        } else if (n == 1) {
            if (milli == 0 || milli > 1000) {
                throw rows.error(gpuMilli, "must be between 1 and 1000 for a one-GPU pod (got " + milli + ")");
            }
            total = milli;
        } else {
            if (milli != 1000 && milli != 0) {
                throw rows.error(gpuMilli, "a pod of " + n + " GPUs must use whole cards (gpu_milli 1000, got "
                        + milli + ")");
            }
            total = n * 1000;
        }
        List<String> models = List.of();
        String s = rows.text(spec);
        if (!s.isEmpty()) {
            LinkedHashSet<String> set = new LinkedHashSet<>();
            for (String m : s.split("\\|")) {
                String t = m.trim();
                if (!Names.isValid(t)) {
                    throw rows.error(spec, "'" + CsvRows.clip(t) + "' is not a valid GPU model name");
                }
                set.add(t.intern());
            }
            models = List.copyOf(new ArrayList<>(set));
        }
        String q = rows.text(qos);
        String tenant = q.isEmpty() ? "openb" : q.toLowerCase(Locale.ROOT);
        if (!Names.isValid(tenant)) {
            throw rows.error(qos, "'" + CsvRows.clip(q) + "' is not a valid tenant name");
        }
        long submit = 0;
        long duration = -1;
        if (created >= 0 && !rows.text(created).isEmpty()) {
            submit = rows.wholeNonNegative(created) * 1000;
            if (deleted >= 0 && !rows.text(deleted).isEmpty()) {
                long del = rows.wholeNonNegative(deleted) * 1000;
                long from = scheduled >= 0 && !rows.text(scheduled).isEmpty()
                        ? rows.wholeNonNegative(scheduled) * 1000 : submit;
                if (del < from) {
                    throw rows.error(deleted, "deletion before the pod was " + (from == submit ? "created" : "scheduled")
                            + " (negative duration)");
                }
                duration = del - from;
            }
        }
        return new TraceJob(rows.line(), id, tenant.intern(), submit, duration, total, (int) Math.min(cpuMilli,
                Integer.MAX_VALUE), memMiB, models, 0, null);
    }

}
