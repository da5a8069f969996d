package io.computegrid.backend.local;

import static org.assertj.core.api.Assertions.fail;

import io.computegrid.backend.BackendListener;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** A listener that records every call, with waits that poll until a deadline (never a fixed sleep). */
class Recorder implements BackendListener {
    static final Duration WAIT = Duration.ofSeconds(10);

    record Started(long jobId, int attempt, int task, String handle, String thread) {
        long pid() {
            return Long.parseLong(handle.split(":")[1]);
        }

        long startTicks() {
            return Long.parseLong(handle.split(":")[2]);
        }
    }

    record Exited(long jobId, int attempt, int task, int exitCode, String reason) {
    }

    record Checkpoint(long jobId, int attempt, long millis) {
    }

    record Endpoint(long jobId, int attempt, int task, String host, int port) {
    }

    final List<Object> all = new CopyOnWriteArrayList<>();

    @Override
    public void taskStarted(long jobId, int attempt, int taskIndex, String handle) {
        all.add(new Started(jobId, attempt, taskIndex, handle, Thread.currentThread().getName()));
    }

    @Override
    public void taskExited(long jobId, int attempt, int taskIndex, int exitCode, String reason) {
        all.add(new Exited(jobId, attempt, taskIndex, exitCode, reason));
    }

    @Override
    public void checkpoint(long jobId, int attempt, long atMillis) {
        all.add(new Checkpoint(jobId, attempt, atMillis));
    }

    @Override
    public void taskEndpoint(long jobId, int attempt, int taskIndex, String host, int port) {
        all.add(new Endpoint(jobId, attempt, taskIndex, host, port));
    }

    <T> List<T> of(Class<T> type) {
        return all.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<Exited> exits(long jobId) {
        return of(Exited.class).stream().filter(e -> e.jobId() == jobId).toList();
    }

    Started started(long jobId, int task) {
        await(() -> find(jobId, task).isPresent(), "task " + task + " of job " + jobId + " to start");
        return find(jobId, task).orElseThrow();
    }

    private Optional<Started> find(long jobId, int task) {
        return of(Started.class).stream().filter(s -> s.jobId() == jobId && s.task() == task).findFirst();
    }

    Exited exit(long jobId, int task) {
        await(() -> exits(jobId).stream().anyMatch(e -> e.task() == task), "task " + task + " of job " + jobId + " to exit");
        return exits(jobId).stream().filter(e -> e.task() == task).findFirst().orElseThrow();
    }

    static void await(BooleanSupplier condition, String what) {
        await(condition, WAIT, what);
    }

    static void await(BooleanSupplier condition, Duration within, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + within + " waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }
}
