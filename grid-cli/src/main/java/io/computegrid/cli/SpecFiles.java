package io.computegrid.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a job or service spec file (or stdin for -): at most 1 MiB of UTF-8, failures as one-line errors. */
public final class SpecFiles {
    private SpecFiles() {
    }

    public static String read(String file) {
        try {
            if ("-".equals(file)) {
                return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Path p = Path.of(file);
            if (Files.isDirectory(p)) {
                throw new CliException(file + ": is a directory, not a spec file", 2);
            }
            if (Files.size(p) > (1 << 20)) {
                throw new CliException(file + ": larger than 1 MiB", 2);
            }
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CliException(file + ": no such file", 2);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new CliException(file + ": not UTF-8 text", 2);
        } catch (IOException e) {
            throw new CliException(file + ": cannot read (" + e.getMessage() + ")", 2);
        }
    }
}
