package io.computegrid.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code grid simulate}: replays a trace through the production scheduler (owned by the simulator work). */
@Command(name = "simulate", description = "Replay a trace through the scheduler with a virtual clock.")
public final class SimulateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("grid simulate: not built yet");
        return 2;
    }
}
