package io.computegrid.backend.local;

import io.computegrid.backend.LaunchRequest;
import io.computegrid.backend.TaskLaunch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A fluent builder of launch requests for tests: one node "node-a", task i gets card i unless told otherwise. */
final class Jobs {
    private final long jobId;
    private final Path root;
    private int attempt = 1;
    private int tasks = 1;
    private List<String> command = List.of("true");
    private Duration maxRuntime;
    private Path checkpointDir;
    private Map<String, String> env = Map.of();
    private int firstCard;
    private int milliPerCard = 1000;
    private boolean exposePort;

    private Jobs(long jobId, Path root) {
        this.jobId = jobId;
        this.root = root;
    }

    static Jobs job(long jobId, Path root) {
        return new Jobs(jobId, root);
    }

    Jobs attempt(int a) {
        attempt = a;
        return this;
    }

    Jobs tasks(int n) {
        tasks = n;
        return this;
    }

    Jobs command(String... argv) {
        command = List.of(argv);
        return this;
    }

    Jobs maxRuntime(Duration d) {
        maxRuntime = d;
        return this;
    }

    Jobs checkpointDir(Path p) {
        checkpointDir = p;
        return this;
    }

    Jobs env(Map<String, String> e) {
        env = e;
        return this;
    }

    Jobs firstCard(int c) {
        firstCard = c;
        return this;
    }

    Jobs exposePort() {
        exposePort = true;
        return this;
    }

    Jobs milliPerCard(int m) {
        milliPerCard = m;
        return this;
    }

    Path logDir() {
        return root.resolve("jobs").resolve(Long.toString(jobId)).resolve("logs");
    }

    Path log(int task) {
        return logDir().resolve("task-" + task + ".log");
    }

    LaunchRequest build() {
        List<TaskLaunch> ts = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            ts.add(new TaskLaunch(i, "node-a", new int[] {firstCard + i}, milliPerCard));
        }
        return new LaunchRequest(jobId, attempt, "job-" + jobId, "team-a", "cloud", "a100-pool", "nvidia-a100",
                "CUDA_VISIBLE_DEVICES", ts, command, env, maxRuntime, 1000, 512, logDir(), checkpointDir,
                attempt > 1, exposePort);
    }
}
