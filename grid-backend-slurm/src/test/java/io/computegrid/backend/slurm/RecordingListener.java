package io.computegrid.backend.slurm;

import io.computegrid.backend.BackendListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Records what a backend reports, and waits for it. */
final class RecordingListener implements BackendListener {
    record Event(String kind, long jobId, int attempt, int task, String handle, int exitCode, String reason) {
    }

    final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void taskStarted(long jobId, int attempt, int taskIndex, String handle) {
        events.add(new Event("started", jobId, attempt, taskIndex, handle, 0, null));
    }

    @Override
    public void taskExited(long jobId, int attempt, int taskIndex, int exitCode, String reason) {
        events.add(new Event("exited", jobId, attempt, taskIndex, null, exitCode, reason));
    }

    List<Event> of(String kind, long jobId) {
        return events.stream().filter(e -> e.kind().equals(kind) && e.jobId() == jobId).toList();
    }

    /** Waits until {@code n} events of the kind arrived for the job; fails with what was seen. */
    List<Event> await(String kind, long jobId, int n, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            List<Event> got = of(kind, jobId);
            if (got.size() >= n) {
                return got;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("waited " + max + " for " + n + " '" + kind + "' events of job " + jobId + "; saw " + events);
    }

    static void awaitTrue(String what, Duration max, Predicate<Void> p) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            if (p.test(null)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("waited " + max + " for " + what);
    }
}
