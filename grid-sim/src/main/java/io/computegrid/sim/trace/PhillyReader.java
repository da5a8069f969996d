package io.computegrid.sim.trace;

import io.computegrid.model.Names;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Philly's processed job table ({@code timestamp,duration,num_gpus,gpu_time,cluster}): the
 * timestamp is wall-clock (UTC assumed), so submit times are absolute; the virtual cluster is the
 * tenant. The table is not sorted by time: the runner sorts it (one copy in memory).
 */
final class PhillyReader extends CsvTraceReader {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private final int ts;
    private final int duration;
    private final int gpus;
    private final int cluster;
    private long count;

    PhillyReader(Path file) {
        super(file);
        try {
            ts = rows.require("timestamp");
            duration = rows.require("duration");
            gpus = rows.require("num_gpus");
            cluster = rows.require("cluster");
        } catch (RuntimeException e) {
            rows.close();
            throw e;
        }
    }

    @Override
    protected TraceJob parse() {
        String t = rows.required(ts);
        long submit;
        try {
            submit = LocalDateTime.parse(t, TS).toEpochSecond(ZoneOffset.UTC) * 1000;
        } catch (DateTimeParseException e) {
            throw rows.error(ts, "'" + CsvRows.clip(t) + "' is not a time as YYYY-MM-DD HH:MM:SS");
        }
        long dur = Math.round(rows.nonNegative(duration) * 1000);
        long g = rows.wholeNonNegative(gpus);
        String vc = rows.required(cluster);
        if (!Names.isValid(vc)) {
            throw rows.error(cluster, "'" + CsvRows.clip(vc) + "' is not a valid tenant name");
        }
        count++;
        return new TraceJob(rows.line(), "philly-" + count, vc.intern(), submit, dur, g * 1000, 0, 0, List.of(), 0,
                null);
    }

}
