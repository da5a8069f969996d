package io.computegrid.server.api;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The last lines of a task log, read backwards from the end so a huge log costs what its tail does. */
final class LogTail {
    static final int MAX_LINES = 10_000;
    private static final int CHUNK = 64 * 1024;

    private LogTail() {
    }

    /** {@code ?tail=N}: null when absent; 400 naming the field when it is not 1..MAX_LINES. */
    static Integer param(String text) {
        if (text == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 1 && n <= MAX_LINES) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("tail: must be a number of lines between 1 and " + MAX_LINES);
    }

    static String read(Path file, Integer lines) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        if (lines == null) {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8); // bad bytes become U+FFFD, never a 500
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long end = f.length();
            long pos = end;
            int newlines = 0;
            byte[] buf = new byte[CHUNK];
            // a final newline ends the last line; it does not start another one
            long stopAt = end;
            if (end > 0) {
                f.seek(end - 1);
                if (f.read() == '\n') {
                    stopAt = end - 1;
                }
            }
            long start = 0;
            outer:
            while (pos > 0) {
                int n = (int) Math.min(CHUNK, pos);
                pos -= n;
                f.seek(pos);
                f.readFully(buf, 0, n);
                for (int i = n - 1; i >= 0; i--) {
                    if (buf[i] == '\n' && pos + i < stopAt && ++newlines == lines) {
                        start = pos + i + 1;
                        break outer;
                    }
                }
            }
            byte[] out = new byte[(int) (end - start)];
            f.seek(start);
            f.readFully(out);
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    /** The tail of text that did not come from a file (a backend's own log store). */
    static String of(String text, Integer lines) {
        if (lines == null || text.isEmpty()) {
            return text;
        }
        int stopAt = text.endsWith("\n") ? text.length() - 1 : text.length();
        int seen = 0;
        for (int i = stopAt - 1; i >= 0; i--) {
            if (text.charAt(i) == '\n' && ++seen == lines) {
                return text.substring(i + 1);
            }
        }
        return text;
    }
}
