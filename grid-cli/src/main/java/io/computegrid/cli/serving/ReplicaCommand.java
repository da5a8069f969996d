package io.computegrid.cli.serving;

import java.nio.file.Path;
import java.util.List;

/**
 * The command line of a {@code grid model-server} replica run from this JVM's own classpath (tests and benchmarks
 * cannot rely on bin/grid being on PATH): a small heap and the quick compiler, so a replica starts in well under
 * a second.
 */
public final class ReplicaCommand {
    private ReplicaCommand() {
    }

    public static List<String> modelServer(long latencyMillis, String model) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xmx96m", "-Xss512k",
                "-cp", System.getProperty("java.class.path"), "io.computegrid.cli.Grid", "model-server",
                "--latency", latencyMillis + "ms", "--model", model);
    }
}
