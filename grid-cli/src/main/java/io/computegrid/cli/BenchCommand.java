package io.computegrid.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code grid bench}: benchmarks (owned by the scheduler work). */
@Command(name = "bench", description = "Run a benchmark and print ratios against a reference measured in the same run.")
public final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("grid bench: not built yet");
        return 2;
    }
}
