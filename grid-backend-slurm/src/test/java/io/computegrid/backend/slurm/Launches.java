package io.computegrid.backend.slurm;

import io.computegrid.backend.LaunchRequest;
import io.computegrid.backend.TaskLaunch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Builds launch requests for tests: {@code tasks} tasks, one per node, {@code cards} cards each. */
final class Launches {
    private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() % 100_000 * 100);

    private Launches() {
    }

    static long nextId() {
        return IDS.incrementAndGet();
    }

    static LaunchRequest gang(long jobId, String center, Path jobsDir, int tasks, int cards, List<String> command) {
        return gang(jobId, 1, center, jobsDir, tasks, cards, command, null);
    }

    static LaunchRequest gang(long jobId, int attempt, String center, Path jobsDir, int tasks, int cards, List<String> command,
                              Duration maxRuntime) {
        List<TaskLaunch> ts = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            int[] c = new int[cards];
            for (int k = 0; k < cards; k++) {
                c[k] = k;
            }
            ts.add(new TaskLaunch(i, "n" + i, c, 1000));
        }
        Path logDir = jobsDir.resolve("job-" + jobId + "-" + attempt);
        return new LaunchRequest(jobId, attempt, "test-" + jobId, "acme", center, "batch", "nvidia-a100",
                "CUDA_VISIBLE_DEVICES", ts, command, Map.of("USER_VAR", "it's \"quoted\" $HOME"), maxRuntime, 1000, 512,
                logDir, null, false);
    }
}
