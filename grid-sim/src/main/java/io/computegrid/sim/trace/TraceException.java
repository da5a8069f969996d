package io.computegrid.sim.trace;

/**
 * Bad trace input, with one line of text that names the file and, where it applies, the line and
 * the column ({@code philly.csv:12: column 2 (duration): 'x' is not a number}).
 */
public final class TraceException extends RuntimeException {
    public TraceException(String message) {
        super(message);
    }

    public static TraceException at(String file, long line, int column, String columnName, String what) {
        return new TraceException(file + ":" + line + ": column " + column + " (" + columnName + "): " + what);
    }

    public static TraceException at(String file, long line, String what) {
        return new TraceException(file + ":" + line + ": " + what);
    }
}
