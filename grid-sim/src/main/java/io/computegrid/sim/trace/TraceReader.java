package io.computegrid.sim.trace;

import java.util.Iterator;

/**
 * Streams the jobs of one trace file, one at a time, in file order. Errors are
 * {@link TraceException}s naming file, line and column.
 */
public interface TraceReader extends Iterator<TraceJob>, AutoCloseable {
    @Override
    void close();
}
