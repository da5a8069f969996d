package io.computegrid.backend.local;

import io.computegrid.backend.LaunchRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Tuning of a {@link LocalBackend}.
 *
 * @param killGrace              time between SIGTERM and SIGKILL when stopping a task's process tree
 * @param checkpointPollInterval how often checkpoint directories are scanned for newer files
 * @param reconcileGrace         SIGTERM to SIGKILL time for stale processes found by {@code reconcile} (the
 *                               server waits for it while starting, so keep it short)
 * @param workDir                the working directory of a job's tasks, shared by all its attempts
 */
public record LocalBackendOptions(Duration killGrace, Duration checkpointPollInterval, Duration reconcileGrace,
                                  Function<LaunchRequest, Path> workDir) {
    public LocalBackendOptions {
        Objects.requireNonNull(killGrace, "killGrace");
        Objects.requireNonNull(checkpointPollInterval, "checkpointPollInterval");
        Objects.requireNonNull(reconcileGrace, "reconcileGrace");
        Objects.requireNonNull(workDir, "workDir");
        if (killGrace.isNegative() || reconcileGrace.isNegative()) {
            throw new IllegalArgumentException("kill grace periods must not be negative");
        }
        if (checkpointPollInterval.toMillis() < 10) {
            throw new IllegalArgumentException("checkpointPollInterval must be at least 10ms");
        }
    }

    /** 5 s kill grace, 1 s checkpoint poll, 2 s reconcile grace, {@link #defaultWorkDir}. */
    public static LocalBackendOptions defaults() {
        return new LocalBackendOptions(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(2),
                LocalBackendOptions::defaultWorkDir);
    }

    public LocalBackendOptions withKillGrace(Duration d) {
        return new LocalBackendOptions(d, checkpointPollInterval, reconcileGrace, workDir);
    }

    public LocalBackendOptions withCheckpointPollInterval(Duration d) {
        return new LocalBackendOptions(killGrace, d, reconcileGrace, workDir);
    }

    public LocalBackendOptions withReconcileGrace(Duration d) {
        return new LocalBackendOptions(killGrace, checkpointPollInterval, d, workDir);
    }

    public LocalBackendOptions withWorkDir(Function<LaunchRequest, Path> f) {
        return new LocalBackendOptions(killGrace, checkpointPollInterval, reconcileGrace, f);
    }

    /**
     * {@code <job dir>/work} when the log directory is {@code <job dir>/logs} (the recommended layout
     * {@code DATA/jobs/<id>/{logs,work,checkpoints}}); otherwise {@code <logDir>/work}, so a job never shares its
     * working directory with another whatever layout the server picks.
     */
    public static Path defaultWorkDir(LaunchRequest r) {
        Path logs = r.logDir().toAbsolutePath().normalize();
        Path parent = logs.getParent();
        if (parent != null && logs.getFileName() != null && logs.getFileName().toString().equals("logs")) {
            return parent.resolve("work");
        }
        return logs.resolve("work");
    }
}
