package io.computegrid.sim;

import io.computegrid.model.TaskResources;
import io.computegrid.scheduler.Placement;
import java.util.List;

/** A job's state in the replay (mutable, owned by the engine). Times in ms of simulated time. */
final class SimJob {
    enum Status { PENDING, RUNNING, COMPLETED, KILLED, REJECTED, UNSCHEDULED }

    final long id;
    final String jobId;
    final String tenant;
    final long submit;
    /** Run time at speed 1 (the trace's duration). */
    final long duration;
    final int tasks;
    final TaskResources perTask;
    final long maxRuntime;
    final List<String> centers;
    final int partition;

    Status status = Status.PENDING;
    /** Work still to do, in ms at speed 1. */
    long remaining;
    long firstStart = -1;
    long end = -1;
    int attempt;
    int preemptions;
    /** Card-milliseconds received in finished attempts. */
    long attainedCardMillis;
    long lostCardMillis;
    /** When the job last went back to pending, and how long its last attempt ran (0: never preempted). */
    long queuedAt;
    long lastRun;
    // the current attempt
    long runStart;
    long overhead;
    double speed;
    Placement placement;
    long milliCards;
    int checkpoints;
    boolean killAtLimit;
    String reason;
    /** The trace's request in milli-cards (also for rejected jobs, whose gang was never built). */
    long requestedMilli;
    /** Input data to move to where the job runs (empty: none). */
    List<io.computegrid.model.Dataset> datasets = List.of();
    /** Stage-in time of the current attempt (part of {@link #overhead}). */
    long transfer;

    SimJob(long id, String jobId, String tenant, long submit, long duration, int tasks, TaskResources perTask,
           long maxRuntime, List<String> centers, int partition) {
        this.id = id;
        this.jobId = jobId;
        this.tenant = tenant;
        this.submit = submit;
        this.duration = duration;
        this.remaining = duration;
        this.tasks = tasks;
        this.perTask = perTask;
        this.maxRuntime = maxRuntime;
        this.centers = centers;
        this.partition = partition;
    }

    /** The models the job accepts (empty: any), for fragmentation scoring of what runs. */
    java.util.List<String> acceptedModels() {
        return perTask.accelerators().stream().map(a -> a.model()).toList();
    }

    long totalMilliCards() {
        return (long) tasks * perTask.milliCards();
    }
}
