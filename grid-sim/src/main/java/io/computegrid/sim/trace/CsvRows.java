package io.computegrid.sim.trace;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvReadFeature;

/**
 * A CSV file read row by row through Jackson's streaming CSV parser (nothing is kept but the
 * current row), with typed accessors whose errors name file, line and column.
 */
final class CsvRows implements AutoCloseable {
    private static final CsvMapper MAPPER = CsvMapper.builder()
            .enable(CsvReadFeature.SKIP_EMPTY_ROWS).enable(CsvReadFeature.TRIM_SPACES).build();

    private final String file;
    private final Reader reader;
    private final JsonParser parser;
    private final String[] header;
    private final Map<String, Integer> columns = new HashMap<>();
    private String[] row;
    private long line;
    private boolean done;

    CsvRows(Path path) {
        this.file = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        try {
            if (Files.isDirectory(path)) {
                throw new TraceException(path + ": is a directory, not a trace file");
            }
            this.reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TraceException(path + ": no such file");
        } catch (IOException e) {
            throw new TraceException(path + ": cannot read (" + e.getMessage() + ")");
        }
        try {
            this.parser = MAPPER.createParser(reader);
            String[] h = readRow();
            if (h == null) {
                throw new TraceException(file + ":1: the file is empty (a header row is required)");
            }
            for (int i = 0; i < h.length; i++) {
                h[i] = h[i].trim().toLowerCase(Locale.ROOT);
                columns.putIfAbsent(h[i], i);
            }
            this.header = h;
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    String file() {
        return file;
    }

    long line() {
        return line;
    }

    boolean has(String column) {
        return columns.containsKey(column);
    }

    /** The index of a required column; a missing one is an error naming the header line. */
    int require(String column) {
        Integer i = columns.get(column);
        if (i == null) {
            throw TraceException.at(file, 1, "missing column '" + column + "' (header has: " + String.join(",", header)
                    + ")");
        }
        return i;
    }

    int optional(String column) {
        Integer i = columns.get(column);
        return i == null ? -1 : i;
    }

    /** Advances to the next data row; false at the end. */
    boolean next() {
        if (done) {
            return false;
        }
        row = readRow();
        if (row == null) {
            done = true;
            return false;
        }
        return true;
    }

    private String[] readRow() {
        try {
            JsonToken t = parser.nextToken();
            if (t == null) {
                return null;
            }
            if (t != JsonToken.START_ARRAY) {
                throw new TraceException(file + ": unexpected CSV structure at line " + parser.currentLocation().getLineNr());
            }
            List<String> values = new ArrayList<>(16);
            boolean first = true;
            while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) {
                    break;
                }
                if (first) {
                    line = parser.currentTokenLocation().getLineNr();
                    first = false;
                }
                String v = parser.getString();
                values.add(v == null ? "" : v);
            }
            return values.toArray(new String[0]);
        } catch (JacksonException e) {
            String m = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
            throw TraceException.at(file, parser.currentLocation().getLineNr(), "malformed CSV: " + m.split("\n")[0]);
        }
    }

    /** The raw text of a column in the current row ("" when the row is short). */
    String text(int col) {
        return col < 0 || col >= row.length || row[col] == null ? "" : row[col].trim();
    }

    String required(int col) {
        String s = text(col);
        if (s.isEmpty()) {
            throw error(col, "value is missing");
        }
        return s;
    }

    double number(int col) {
        String s = required(col);
        try {
            double d = Double.parseDouble(s);
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw error(col, "'" + clip(s) + "' is not a number");
        }
    }

    double nonNegative(int col) {
        double d = number(col);
        if (d < 0) {
            throw error(col, "must not be negative (got " + clip(text(col)) + ")");
        }
        return d;
    }

    long wholeNonNegative(int col) {
        double d = nonNegative(col);
        if (d != Math.rint(d) || d > Integer.MAX_VALUE) {
            throw error(col, "must be a whole number (got " + clip(text(col)) + ")");
        }
        return (long) d;
    }

    TraceException error(int col, String what) {
        String name = col >= 0 && col < header.length ? header[col] : "?";
        return TraceException.at(file, line, col + 1, name, what);
    }

    static String clip(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            if (parser != null) {
                parser.close();
            }
        } catch (RuntimeException ignored) {
            // closing a reader we only read from cannot lose data
        }
        try {
            reader.close();
        } catch (IOException | RuntimeException ignored) {
            // as above
        }
    }
}
