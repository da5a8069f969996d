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
 * @param ports                  where serving ports (GRID_PORT) come from: null for any free loopback port, or a range
 *                               reserved for tasks (an agent's {@code --ports}), probed on all interfaces
 * @param serviceHost            the address serving tasks are reached at, passed to them as GRID_HOST so that they
 *                               listen there: loopback for the server's own local centers, an agent's
 *                               {@code --advertise-address} on an edge box
 */
public record LocalBackendOptions(Duration killGrace, Duration checkpointPollInterval, Duration reconcileGrace,
                                  Function<LaunchRequest, Path> workDir, PortRange ports, String serviceHost) {
    /** Ports {@code from..to}, both included. */
    public record PortRange(int from, int to) {
        public PortRange {
            if (from < 1 || to > 65535 || from > to) {
                throw new IllegalArgumentException("port range " + from + "-" + to + " must lie within 1-65535, low to high");
            }
        }

        public int size() {
            return to - from + 1;
        }

        public boolean contains(int port) {
            return port >= from && port <= to;
        }

        @Override
        public String toString() {
            return from + "-" + to;
        }
    }

    public LocalBackendOptions {
        Objects.requireNonNull(killGrace, "killGrace");
        Objects.requireNonNull(checkpointPollInterval, "checkpointPollInterval");
        Objects.requireNonNull(reconcileGrace, "reconcileGrace");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(serviceHost, "serviceHost");
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
                LocalBackendOptions::defaultWorkDir, null, LocalBackend.MASTER_ADDR);
    }

    public LocalBackendOptions withKillGrace(Duration d) {
        return new LocalBackendOptions(d, checkpointPollInterval, reconcileGrace, workDir, ports, serviceHost);
    }

    public LocalBackendOptions withCheckpointPollInterval(Duration d) {
        return new LocalBackendOptions(killGrace, d, reconcileGrace, workDir, ports, serviceHost);
    }

    public LocalBackendOptions withReconcileGrace(Duration d) {
        return new LocalBackendOptions(killGrace, checkpointPollInterval, d, workDir, ports, serviceHost);
    }

    public LocalBackendOptions withWorkDir(Function<LaunchRequest, Path> f) {
        return new LocalBackendOptions(killGrace, checkpointPollInterval, reconcileGrace, f, ports, serviceHost);
    }

    public LocalBackendOptions withPorts(PortRange r) {
        return new LocalBackendOptions(killGrace, checkpointPollInterval, reconcileGrace, workDir, r, serviceHost);
    }

    public LocalBackendOptions withServiceHost(String host) {
        return new LocalBackendOptions(killGrace, checkpointPollInterval, reconcileGrace, workDir, ports, host);
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
