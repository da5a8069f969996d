package io.computegrid.agent;

import io.computegrid.agentapi.AgentApi;
import io.computegrid.agentapi.AgentApi.Checkpoint;
import io.computegrid.agentapi.AgentApi.TaskKey;
import io.computegrid.agentapi.AgentApi.TaskReport;
import io.computegrid.backend.ActiveJob;
import io.computegrid.backend.BackendListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the agent knows of its tasks, fed by the local backend: started (with the port a serving task listens on),
 * exited (kept and reported until the server confirms it has made the exit durable) and checkpoints seen. An exit
 * is reported only once the task's log has been shipped in full, so a finished job's log on the server is complete.
 */
final class TaskTable implements BackendListener {
    private static final class Entry {
        final TaskKey key;
        String state = "STARTING";
        String handle;
        Integer exitCode;
        String reason;
        int port;
        boolean logShipped;

        Entry(TaskKey key) {
            this.key = key;
        }
    }

    private final Map<TaskKey, Entry> tasks = new LinkedHashMap<>(); // guarded by this
    private final Map<String, Checkpoint> checkpoints = new LinkedHashMap<>();
    private final Consumer<List<ActiveJob>> onRunningChanged;
    private final Runnable onNews;
    private boolean news;

    /** {@code onRunningChanged}: the handles of running tasks, to persist; {@code onNews}: a report is due now. */
    TaskTable(Consumer<List<ActiveJob>> onRunningChanged, Runnable onNews) {
        this.onRunningChanged = onRunningChanged;
        this.onNews = onNews;
    }

    private Entry entry(long jobId, int attempt, int index) {
        return tasks.computeIfAbsent(new TaskKey(jobId, attempt, index), Entry::new);
    }

    @Override
    public void taskEndpoint(long jobId, int attempt, int taskIndex, String host, int port) {
        synchronized (this) {
            entry(jobId, attempt, taskIndex).port = port; // the server knows our advertised address
        }
    }

    @Override
    public void taskStarted(long jobId, int attempt, int taskIndex, String handle) {
        synchronized (this) {
            Entry e = entry(jobId, attempt, taskIndex);
            e.state = AgentApi.RUNNING;
            e.handle = handle;
            news = true;
        }
        changed();
    }

    @Override
    public void taskExited(long jobId, int attempt, int taskIndex, int exitCode, String reason) {
        synchronized (this) {
            Entry e = entry(jobId, attempt, taskIndex);
            e.state = AgentApi.EXITED;
            e.exitCode = exitCode;
            e.reason = reason;
            news = true;
        }
        changed();
    }

    @Override
    public void checkpoint(long jobId, int attempt, long atMillis) {
        synchronized (this) {
            checkpoints.put(jobId + "/" + attempt, new Checkpoint(jobId, attempt, atMillis));
            news = true;
        }
        onNews.run();
    }

    /** The log of an exited task is on the server in full: its exit may be reported now. */
    void logShipped(TaskKey key) {
        synchronized (this) {
            Entry e = tasks.get(key);
            if (e == null || e.logShipped) {
                return;
            }
            e.logShipped = true;
            news = true;
        }
        onNews.run();
    }

    synchronized boolean exited(TaskKey key) {
        Entry e = tasks.get(key);
        return e != null && AgentApi.EXITED.equals(e.state);
    }

    synchronized boolean hasNews() {
        return news;
    }

    /** A report did not get through: the next round sends one again at once. */
    synchronized void retry() {
        news = true;
    }

    /** Running tasks, and exited ones whose logs are shipped; clears the news flag (set again by any change). */
    synchronized AgentApi.StatusReport report(String session) {
        news = false;
        List<TaskReport> out = new ArrayList<>();
        for (Entry e : tasks.values()) {
            boolean exited = AgentApi.EXITED.equals(e.state);
            if ((AgentApi.RUNNING.equals(e.state)) || (exited && e.logShipped)) {
                out.add(new TaskReport(e.key.jobId(), e.key.attempt(), e.key.index(), e.state, e.handle, e.exitCode,
                        e.reason, e.port));
            }
        }
        return new AgentApi.StatusReport(session, out, List.copyOf(checkpoints.values()));
    }

    /** Exits the server has made durable, and the checkpoints it has heard of. */
    synchronized void confirmed(List<TaskKey> forget, List<Checkpoint> sent) {
        for (TaskKey k : forget) {
            Entry e = tasks.get(k);
            if (e != null && AgentApi.EXITED.equals(e.state)) {
                tasks.remove(k);
            }
        }
        for (Checkpoint c : sent) {
            checkpoints.remove(c.jobId() + "/" + c.attempt(), c);
        }
    }

    /** Tasks the agent could not start at all: reported as exited with the reason. */
    void failedToStart(long jobId, int attempt, List<Integer> indices, int exitCode, String reason) {
        for (int i : indices) {
            taskExited(jobId, attempt, i, exitCode, reason);
            logShipped(new TaskKey(jobId, attempt, i));
        }
    }

    synchronized String handle(long jobId, int attempt) {
        List<String> hs = new ArrayList<>();
        for (Entry e : tasks.values()) {
            if (e.key.jobId() == jobId && e.key.attempt() == attempt && e.handle != null) {
                hs.add(e.handle);
            }
        }
        return hs.isEmpty() ? null : String.join(",", hs);
    }

    private void changed() {
        List<ActiveJob> running = new ArrayList<>();
        synchronized (this) {
            for (Entry e : tasks.values()) {
                if (AgentApi.RUNNING.equals(e.state) && e.handle != null) {
                    running.add(new ActiveJob(e.key.jobId(), e.key.attempt(), e.handle));
                }
            }
        }
        onRunningChanged.accept(running);
        onNews.run();
    }
}
