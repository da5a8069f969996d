package io.computegrid.server.jobs;

import java.nio.file.Path;

/** Where a job's files live under the data directory: logs per task and a checkpoint directory. */
public final class JobPaths {
    private final Path root;

    public JobPaths(Path dataDir) {
        this.root = dataDir.resolve("jobs");
    }

    public Path jobDir(long id) {
        return root.resolve(Long.toString(id));
    }

    public Path logDir(long id) {
        return jobDir(id).resolve("logs");
    }

    public Path log(long id, int task) {
        return logDir(id).resolve("task-" + task + ".log");
    }

    public Path checkpointDir(long id) {
        return jobDir(id).resolve("checkpoint");
    }
}
