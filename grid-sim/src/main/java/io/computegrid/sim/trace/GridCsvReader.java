package io.computegrid.sim.trace;

import io.computegrid.model.Names;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The project's CSV trace (CONTRACT.md): {@code submit_time} (seconds from trace start),
 * {@code duration} (seconds), {@code num_gpus} (a fraction up to 1, or whole cards), and optional
 * {@code tenant}, {@code gpu_type} (one model or "a|b"), {@code job_id}, {@code max_runtime} (seconds)
 * and {@code center}, plus {@code data_center} and {@code data_gb} (input data to move to where the job runs).
 */
final class GridCsvReader extends CsvTraceReader {
    private final int submit;
    private final int duration;
    private final int gpus;
    private final int tenant;
    private final int gpuType;
    private final int jobId;
    private final int maxRuntime;
    private final int center;
    private final int dataCenter;
    private final int dataGb;
    private long count;

    GridCsvReader(Path file) {
        super(file);
        try {
            submit = rows.require("submit_time");
            duration = rows.require("duration");
            gpus = rows.require("num_gpus");
            tenant = rows.optional("tenant");
            gpuType = rows.optional("gpu_type");
            jobId = rows.optional("job_id");
            maxRuntime = rows.optional("max_runtime");
            center = rows.optional("center");
            dataCenter = rows.optional("data_center");
            dataGb = rows.optional("data_gb");
        } catch (RuntimeException e) {
            rows.close();
            throw e;
        }
    }

    @Override
    protected TraceJob parse() {
        count++;
        long sub = Math.round(rows.nonNegative(submit) * 1000);
        long dur = Math.round(rows.nonNegative(duration) * 1000);
        double g = rows.nonNegative(gpus);
        long milli = Math.round(g * 1000);
        if (g > 1 && g != Math.rint(g)) {
            throw rows.error(gpus, "above 1 must be a whole number of cards (got " + CsvRows.clip(rows.text(gpus)) + ")");
        }
        if (g > 0 && milli == 0) {
            throw rows.error(gpus, "is smaller than one thousandth of a card");
        }
        String t = name(tenant, "default", "tenant");
        String id = rows.text(jobId);
        if (id.isEmpty()) {
            id = "job-" + count;
        }
        List<String> models = List.of();
        String s = rows.text(gpuType);
        if (!s.isEmpty()) {
            LinkedHashSet<String> set = new LinkedHashSet<>();
            for (String m : s.split("\\|")) {
                String x = m.trim();
                if (!Names.isValid(x)) {
                    throw rows.error(gpuType, "'" + CsvRows.clip(x) + "' is not a valid accelerator model name");
                }
                set.add(x.intern());
            }
            models = List.copyOf(new ArrayList<>(set));
        }
        long limit = 0;
        if (maxRuntime >= 0 && !rows.text(maxRuntime).isEmpty()) {
            limit = Math.round(rows.nonNegative(maxRuntime) * 1000);
            if (limit == 0) {
                throw rows.error(maxRuntime, "must be positive (leave it empty for no limit)");
            }
        }
        String c = center >= 0 && !rows.text(center).isEmpty() ? name(center, null, "center") : null;
        String dc = dataCenter >= 0 && !rows.text(dataCenter).isEmpty() ? name(dataCenter, null, "center") : null;
        double gb = dataGb >= 0 && !rows.text(dataGb).isEmpty() ? rows.nonNegative(dataGb) : 0;
        if (gb > 0 && dc == null) {
            throw rows.error(dataGb, "needs data_center, the center that holds the data");
        }
        return new TraceJob(rows.line(), id, t, sub, dur, milli, 0, 0, models, limit, c, dc, gb);
    }

    private String name(int col, String fallback, String what) {
        String v = rows.text(col);
        if (v.isEmpty()) {
            return fallback;
        }
        if (!Names.isValid(v)) {
            throw rows.error(col, "'" + CsvRows.clip(v) + "' is not a valid " + what + " name");
        }
        return v.intern();
    }

}
