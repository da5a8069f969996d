package io.computegrid.sim.trace;

import io.computegrid.sim.FederationSetup.NodeSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads openb node lists ({@code sn,cpu_milli,memory_mib,gpu,model}). */
public final class NodeListReader {
    private NodeListReader() {
    }

    public static List<NodeSpec> read(Path file) {
        List<NodeSpec> out = new ArrayList<>();
        try (CsvRows rows = new CsvRows(file)) {
            int sn = rows.require("sn");
            int cpu = rows.require("cpu_milli");
            int mem = rows.require("memory_mib");
            int gpu = rows.require("gpu");
            int model = rows.optional("model");
            while (rows.next()) {
                long c = rows.wholeNonNegative(cpu);
                if (c == 0) {
                    throw rows.error(cpu, "must be positive");
                }
                long m = rows.wholeNonNegative(mem);
                if (m == 0) {
                    throw rows.error(mem, "must be positive");
                }
                long g = rows.wholeNonNegative(gpu);
                if (g > 64) {
                    throw rows.error(gpu, "more than 64 cards on one node");
                }
                String md = rows.text(model);
                if (g > 0 && md.isEmpty()) {
                    throw rows.error(model, "a node with GPUs needs its model");
                }
                out.add(new NodeSpec(rows.text(sn), (int) c, m, (int) g, md));
            }
        }
        if (out.isEmpty()) {
            throw new TraceException(file + ": no nodes");
        }
        return out;
    }
}
