package io.computegrid.sim.report;

import io.computegrid.sim.JobRecord;
import io.computegrid.sim.JobSink;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.SequenceWriter;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvSchema;

/** Streams {@code jobs.csv} as jobs settle (times in seconds from trace start; empty when it never happened). */
public final class JobsCsv implements JobSink, AutoCloseable {
    public static final String[] COLUMNS = {"job_id", "tenant", "num_gpus", "submit_time", "start_time", "end_time",
        "status", "queue_seconds", "jct_seconds", "preemptions", "center", "accelerator", "reason", "nodes"};
    private static final CsvMapper MAPPER = CsvMapper.builder().build();

    private final BufferedWriter out;
    private final SequenceWriter writer;

    public JobsCsv(Path file) {
        try {
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write (" + e.getMessage() + ")", e);
        }
        CsvSchema.Builder b = CsvSchema.builder();
        for (String c : COLUMNS) {
            b.addColumn(c);
        }
        writer = MAPPER.writer(b.build().withHeader()).writeValues(out);
    }

    @Override
    public void accept(JobRecord r) {
        writer.write(new String[]{r.jobId(), r.tenant(), seconds(r.milliGpus()), seconds(r.submit()),
            r.start() < 0 ? "" : seconds(r.start()), r.end() < 0 ? "" : seconds(r.end()), r.status(),
            r.start() < 0 ? "" : seconds(r.start() - r.submit()), r.end() < 0 ? "" : seconds(r.end() - r.submit()),
            Integer.toString(r.preemptions()), r.center() == null ? "" : r.center(),
            r.accelerator() == null ? "" : r.accelerator(), r.reason() == null ? "" : r.reason(),
            r.nodes() == null ? "" : r.nodes()});
    }

    /** Milli-units as a decimal without trailing zeros (1500 → "1.5", 2000 → "2"). */
    public static String seconds(long millis) {
        if (millis % 1000 == 0) {
            return Long.toString(millis / 1000);
        }
        String s = java.math.BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
        return s;
    }

    @Override
    public void close() {
        writer.close();
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
