package io.computegrid.sim.trace;

import java.nio.file.Path;
import java.util.NoSuchElementException;

/** What the CSV trace readers share: one row at a time from {@link CsvRows}, parsed on demand. */
abstract class CsvTraceReader implements TraceReader {
    protected final CsvRows rows;
    private TraceJob next;

    CsvTraceReader(Path file) {
        rows = new CsvRows(file);
    }

    /** Turns the current row into a job (or throws a {@link TraceException} naming line and column). */
    protected abstract TraceJob parse();

    @Override
    public final boolean hasNext() {
        if (next == null && rows.next()) {
            next = parse();
        }
        return next != null;
    }

    @Override
    public final TraceJob next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        TraceJob j = next;
        next = null;
        return j;
    }

    @Override
    public void close() {
        rows.close();
    }
}
