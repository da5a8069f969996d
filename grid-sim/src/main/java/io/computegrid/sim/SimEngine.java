package io.computegrid.sim;

import io.computegrid.config.FederationConfig;
import io.computegrid.config.PriorityClass;
import io.computegrid.model.AcceleratorChoice;
import io.computegrid.model.Clock;
import io.computegrid.model.Dataset;
import io.computegrid.model.Tenant;
import io.computegrid.scheduler.NodeInfo;
import io.computegrid.scheduler.PendingJob;
import io.computegrid.scheduler.Placement;
import io.computegrid.scheduler.Plan;
import io.computegrid.scheduler.Preemption;
import io.computegrid.scheduler.Reason;
import io.computegrid.scheduler.RunningJob;
import io.computegrid.scheduler.Scheduler;
import io.computegrid.scheduler.SchedulerSettings;
import io.computegrid.scheduler.Snapshot;
import io.computegrid.sim.trace.TraceJob;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.LongSupplier;

/**
 * The discrete-event replay: an event heap ordered by (time, sequence), a virtual clock, no
 * threads. Everything that happens at one instant (arrivals, completions) is applied first; then
 * the production scheduler runs once for each partition whose state changed, and its plan is
 * applied (preemptions, then starts). Same input, same options: same result.
 */
public final class SimEngine {
    private static final int ARRIVAL = 0;
    private static final int END = 1;
    private static final int TICK = 2;
    private static final int MAX_ROUNDS = 4;

    private record Event(long time, long seq, int kind, SimJob job, int attempt) {
    }

    /** One independently scheduled part of the federation (all of it, or one center). */
    private static final class Partition {
        final List<NodeInfo> nodes;
        final LinkedHashMap<Long, PendingJob> pending = new LinkedHashMap<>();
        final LinkedHashMap<Long, SimJob> running = new LinkedHashMap<>();
        final Map<Long, RunningJob> runningViews = new HashMap<>();
        boolean dirty;

        Partition(List<NodeInfo> nodes) {
            this.nodes = nodes;
        }
    }

    private final FederationConfig fed;
    private final Scheduler scheduler;
    private final SimOptions options;
    private final JobFactory factory;
    private final Cluster cluster;
    private final List<Partition> partitions = new ArrayList<>();
    private final PriorityQueue<Event> heap = new PriorityQueue<>((a, b) -> a.time != b.time
            ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private final Map<Long, SimJob> active = new HashMap<>();
    private final Map<String, Double> usage = new HashMap<>();
    private final Map<String, Long> tenantMilli = new HashMap<>();
    private final Metrics metrics;
    private final int priority;
    private final SchedulerSettings.Network network;
    private JobSink jobSink = JobSink.NONE;
    private UsageSink usageSink = UsageSink.NONE;
    private ProgressListener progress = ProgressListener.NONE;
    private LongSupplier nanos;
    private long seq;
    private long now;
    private long usageAt;
    private long arrived;
    private long events;
    private long cycles;
    private long schedulerNanos;
    private long requestedGpuMilli;
    private long nextTick = Long.MIN_VALUE;
    private Map<Long, Reason> lastWaiting = Map.of();
    private final long usageHalfLifeMillis;

    public SimEngine(FederationConfig fed, Scheduler scheduler, SimOptions options) {
        this.fed = fed;
        this.scheduler = scheduler;
        this.options = options;
        this.cluster = new Cluster(fed);
        this.factory = new JobFactory(fed, options);
        this.metrics = new Metrics(cluster.gpuCapacityMilli);
        this.priority = fed.priority("normal").map(PriorityClass::value).orElse(100);
        SchedulerSettings settings = SchedulerSettings.of(fed);
        this.network = settings.network();
        this.usageHalfLifeMillis = options.usageHalfLifeMillis() > 0 ? options.usageHalfLifeMillis()
                : settings.halfLifeMillis();
        if (options.tenantCenters()) {
            for (int c = 0; c < cluster.centers.size(); c++) {
                partitions.add(new Partition(cluster.nodesOf(c)));
            }
        } else {
            partitions.add(new Partition(cluster.nodes));
        }
        for (Tenant t : fed.tenants()) {
            usage.put(t.name(), 0.0);
        }
    }

    public SimEngine sinks(JobSink jobs, UsageSink usageSink, ProgressListener progress) {
        this.jobSink = jobs == null ? JobSink.NONE : jobs;
        this.usageSink = usageSink == null ? UsageSink.NONE : usageSink;
        this.progress = progress == null ? ProgressListener.NONE : progress;
        return this;
    }

    /** Measures time spent inside the scheduler (the caller injects a monotonic clock in nanoseconds). */
    public SimEngine timing(LongSupplier nanoClock) {
        this.nanos = nanoClock;
        return this;
    }

    /**
     * Replays {@code trace} (jobs in non-decreasing submit time, ms from trace start) to the end.
     * {@code total} is the number of jobs, for progress only.
     */
    public SimResult run(Iterator<TraceJob> trace, long total) {
        Clock clock = () -> now;
        long lastSubmit = Long.MIN_VALUE;
        if (trace.hasNext()) {
            push(trace, Long.MIN_VALUE);
        }
        long batches = 0;
        while (!heap.isEmpty()) {
            long t = heap.peek().time;
            now = t;
            metrics.advance(t);
            boolean changed = false;
            while (!heap.isEmpty() && heap.peek().time == t) {
                Event e = heap.poll();
                events++;
                switch (e.kind) {
                    case ARRIVAL -> {
                        if (e.job.submit < lastSubmit) {
                            throw new IllegalStateException("trace is not sorted by submit time");
                        }
                        lastSubmit = e.job.submit;
                        changed |= arrive(e.job);
                        if (trace.hasNext()) {
                            push(trace, t);
                        }
                    }
                    case END -> {
                        if (e.job.status == SimJob.Status.RUNNING && e.job.attempt == e.attempt) {
                            finish(e.job, e.job.killAtLimit);
                            changed = true;
                        }
                    }
                    default -> changed |= tick();
                }
            }
            if (changed) {
                updateUsage(t);
                for (Partition p : partitions) {
                    if (p.dirty) {
                        p.dirty = false;
                        cycle(p, clock);
                        p.dirty = false;
                    }
                }
                if (options.fill()) {
                    dropUnplaced();
                }
            }
            if (options.tickMillis() > 0 && metrics.pending > 0 && !heap.isEmpty() && nextTick <= t) {
                nextTick = t + options.tickMillis();
                heap.add(new Event(nextTick, seq++, TICK, null, 0));
            }
            if ((++batches & 1023) == 0) {
                progress.progress(arrived, total, now);
            }
        }
        progress.progress(arrived, total, now);
        return finishRun();
    }

    private boolean tick() {
        boolean any = false;
        for (Partition p : partitions) {
            if (!p.pending.isEmpty()) {
                p.dirty = true;
                any = true;
            }
        }
        return any;
    }

    private void push(Iterator<TraceJob> trace, long after) {
        SimJob j = factory.create(trace.next(), arrived + 1, cluster);
        if (j.submit < after) {
            throw new IllegalStateException("trace is not sorted by submit time (job " + j.jobId + ")");
        }
        heap.add(new Event(j.submit, seq++, ARRIVAL, j, 0));
        arrived++;
    }

    private boolean arrive(SimJob j) {
        requestedGpuMilli += j.requestedMilli;
        if (j.status == SimJob.Status.REJECTED) {
            metrics.rejected(j);
            jobSink.accept(record(j, "rejected"));
            return false;
        }
        metrics.accepted(j, options.maxSpeed());
        Partition p = partitions.get(j.partition);
        p.pending.put(j.id, pending(j));
        p.dirty = true;
        active.put(j.id, j);
        metrics.pending++;
        return true;
    }

    private PendingJob pending(SimJob j) {
        return new PendingJob(j.id, j.tenant, priority, j.id, j.submit, j.tasks, j.perTask, j.maxRuntime, 0, true,
                null, j.datasets, j.centers, j.attainedCardMillis, j.remaining, j.lastRun > 0 ? j.queuedAt : j.submit,
                j.lastRun);
    }

    private void cycle(Partition p, Clock clock) {
        for (int round = 0; round < MAX_ROUNDS && !p.pending.isEmpty(); round++) {
            Snapshot s = new Snapshot(fed, p.nodes, runningViews(p), List.copyOf(p.pending.values()), Map.copyOf(usage));
            long t0 = nanos == null ? 0 : nanos.getAsLong();
            Plan plan = scheduler.schedule(s, clock);
            if (nanos != null) {
                schedulerNanos += nanos.getAsLong() - t0;
            }
            cycles++;
            for (Preemption pr : plan.preemptions()) {
                SimJob v = p.running.get(pr.victimJobId());
                if (v == null) {
                    throw new IllegalStateException(scheduler.name() + " preempts job " + pr.victimJobId()
                            + ", which is not running");
                }
                preempt(v);
            }
            for (Placement pl : plan.starts()) {
                start(p, pl);
            }
            if (options.fill()) {
                lastWaiting = plan.waiting();
            }
            if (plan.preemptions().isEmpty()) {
                break;
            }
        }
    }

    private List<RunningJob> runningViews(Partition p) {
        List<RunningJob> out = new ArrayList<>(p.running.size());
        long interval = options.checkpointIntervalMillis();
        for (SimJob j : p.running.values()) {
            int k = 0;
            long useful = now - j.runStart - j.overhead;
            if (interval > 0 && useful > 0) {
                k = (int) Math.min(Integer.MAX_VALUE, useful / interval);
            }
            RunningJob view = p.runningViews.get(j.id);
            if (view == null || k != j.checkpoints) {
                j.checkpoints = k;
                long ckpt = k == 0 ? 0 : j.runStart + j.overhead + k * interval;
                Placement pl = j.placement;
                view = new RunningJob(j.id, j.tenant, priority, pl.center(), pl.pool(), pl.accelerator(), pl.tasks(),
                        j.runStart, j.maxRuntime, 0, ckpt, true, j.acceptedModels(), j.attainedCardMillis);
                p.runningViews.put(j.id, view);
            }
            out.add(view);
        }
        return out;
    }

    private void start(Partition p, Placement pl) {
        PendingJob pj = p.pending.get(pl.jobId());
        if (pj == null) {
            throw new IllegalStateException(scheduler.name() + " starts job " + pl.jobId() + ", which is not pending");
        }
        SimJob j = active.get(pl.jobId());
        if (pl.tasks().size() != j.tasks) {
            throw new IllegalStateException(scheduler.name() + " places " + pl.tasks().size() + " of the " + j.tasks
                    + " tasks of job " + j.id + " (gangs start whole)");
        }
        cluster.take(j.id, pl.tasks());
        p.pending.remove(pl.jobId());
        p.running.put(j.id, j);
        j.status = SimJob.Status.RUNNING;
        j.placement = pl;
        j.runStart = now;
        j.transfer = transferMillis(j, pl.center());
        j.overhead = (j.attempt > 0 ? options.restartOverheadMillis() : 0) + j.transfer;
        metrics.transferMillis += j.transfer;
        j.speed = speed(j, pl.accelerator());
        j.checkpoints = 0;
        long m = 0;
        for (var t : pl.tasks()) {
            m += t.milliCards();
        }
        j.milliCards = m;
        if (j.firstStart < 0) {
            j.firstStart = now;
            metrics.started++;
        }
        metrics.pending--;
        metrics.running++;
        metrics.allocatedMilli += m;
        tenantMilli.merge(j.tenant, m, Long::sum);
        long runFor = j.overhead + runTime(j);
        j.killAtLimit = j.maxRuntime > 0 && j.maxRuntime < runFor;
        if (j.killAtLimit) {
            runFor = j.maxRuntime;
        }
        if (!options.fill()) {
            heap.add(new Event(now + runFor, seq++, END, j, j.attempt));
        }
    }

    /** Stage-in: each dataset not in the job's center moves at the federation's bandwidth between the centers. */
    private long transferMillis(SimJob j, String center) {
        double seconds = 0;
        for (Dataset d : j.datasets) {
            double gbps = network.bandwidth(d.center(), center);
            if (!Double.isInfinite(gbps)) {
                seconds += d.sizeGb() * 8 / gbps;
            }
        }
        return (long) Math.ceil(seconds * 1000);
    }

    private long runTime(SimJob j) {
        return (long) Math.ceil(j.remaining / j.speed);
    }

    private double speed(SimJob j, String model) {
        for (AcceleratorChoice c : j.perTask.accelerators()) {
            if (c.model().equals(model) && c.speed() != null) {
                return c.speed();
            }
        }
        return options.speedOf(model);
    }

    private void release(SimJob j, UsageSink.Outcome outcome) {
        Partition p = partitions.get(j.partition);
        p.running.remove(j.id);
        p.runningViews.remove(j.id);
        p.dirty = true;
        cluster.give(j.placement.tasks());
        metrics.running--;
        metrics.allocatedMilli -= j.milliCards;
        tenantMilli.merge(j.tenant, -j.milliCards, Long::sum);
        metrics.segment(j.tenant, j.milliCards, j.runStart, now);
        j.attainedCardMillis += j.milliCards * (now - j.runStart) / 1000;
        Placement pl = j.placement;
        usageSink.segment(new UsageSink.Segment(j.jobId, j.tenant, pl.center(), pl.pool(), pl.accelerator(),
                j.milliCards, j.runStart, now, outcome));
    }

    private void finish(SimJob j, boolean killed) {
        release(j, killed ? UsageSink.Outcome.KILLED : UsageSink.Outcome.COMPLETED);
        j.status = killed ? SimJob.Status.KILLED : SimJob.Status.COMPLETED;
        j.end = now;
        j.remaining = 0;
        if (killed) {
            metrics.killed++;
        } else {
            metrics.completed++;
        }
        metrics.finished(j);
        active.remove(j.id);
        jobSink.accept(record(j, killed ? "killed" : "completed"));
    }

    /**
     * The preemption cost model: the attempt's first {@code overhead} ms did no work; of the useful
     * time since, only what was checkpointed is kept (whole checkpoint intervals; all of it when
     * checkpoints are continuous, none when the job never checkpoints). The rest is lost.
     */
    private void preempt(SimJob j) {
        long elapsed = now - j.runStart;
        long useful = Math.max(0, elapsed - j.overhead);
        long interval = options.checkpointIntervalMillis();
        long kept = interval == 0 ? useful : interval < 0 ? 0 : (useful / interval) * interval;
        long work = Math.min(j.remaining, (long) Math.floor(kept * j.speed));
        j.remaining -= work;
        metrics.lostCardMillis += (double) j.milliCards * (elapsed - kept) / 1000.0;
        release(j, UsageSink.Outcome.PREEMPTED);
        j.lastRun = elapsed;
        j.queuedAt = now;
        j.status = SimJob.Status.PENDING;
        j.attempt++;
        j.preemptions++;
        metrics.preemptions++;
        metrics.pending++;
        Partition p = partitions.get(j.partition);
        p.pending.put(j.id, pending(j));
    }

    private void dropUnplaced() {
        for (Partition p : partitions) {
            for (PendingJob pj : p.pending.values()) {
                SimJob j = active.remove(pj.id());
                j.status = SimJob.Status.UNSCHEDULED;
                var why = lastWaiting.get(j.id);
                j.reason = why == null ? "no room on arrival" : why.code() + ": " + why.message();
                metrics.unscheduled++;
                metrics.pending--;
                jobSink.accept(record(j, "unscheduled"));
            }
            p.pending.clear();
        }
    }

    /** Tenants' decayed usage in card-seconds: exact integral of their allocation under exponential decay. */
    private void updateUsage(long t) {
        long dt = t - usageAt;
        usageAt = t;
        if (dt <= 0) {
            return;
        }
        double tau = usageHalfLifeMillis / Math.log(2);
        double f = Math.exp(-dt / tau);
        for (Map.Entry<String, Double> e : usage.entrySet()) {
            long m = tenantMilli.getOrDefault(e.getKey(), 0L);
            double rate = m / 1000.0; // cards
            e.setValue(e.getValue() * f + rate * (1 - f) * tau / 1000.0);
        }
        for (Map.Entry<String, Long> e : tenantMilli.entrySet()) {
            if (!usage.containsKey(e.getKey()) && e.getValue() > 0) {
                usage.put(e.getKey(), e.getValue() / 1000.0 * (1 - f) * tau / 1000.0);
            }
        }
    }

    private SimResult finishRun() {
        long allocated = cluster.allocatedGpuMilli();
        List<SimJob> left = new ArrayList<>(active.values());
        left.sort((a, b) -> Long.compare(a.id, b.id));
        for (SimJob j : left) {
            if (j.status == SimJob.Status.RUNNING) {
                Placement pl = j.placement;
                usageSink.segment(new UsageSink.Segment(j.jobId, j.tenant, pl.center(), pl.pool(), pl.accelerator(),
                        j.milliCards, j.runStart, now, UsageSink.Outcome.RUNNING_AT_END));
                metrics.segment(j.tenant, j.milliCards, j.runStart, now);
                jobSink.accept(record(j, "running"));
            } else {
                jobSink.accept(record(j, "pending"));
            }
        }
        return new SimResult(scheduler.name(), options, metrics, cluster.gpuCapacityMilli, allocated,
                requestedGpuMilli, events, cycles, schedulerNanos, left.stream()
                .filter(j -> j.status == SimJob.Status.PENDING).count(), usageSink.summary());
    }

    private JobRecord record(SimJob j, String status) {
        Placement pl = j.placement;
        return new JobRecord(j.jobId, j.tenant, j.requestedMilli, j.submit, j.firstStart, j.end, status,
                j.preemptions, pl == null ? null : pl.center(), pl == null ? null : pl.accelerator(), j.reason,
                pl == null ? null : nodes(pl));
    }

    private static String nodes(Placement pl) {
        StringBuilder b = new StringBuilder();
        String last = null;
        for (var t : pl.tasks()) {
            if (!t.node().equals(last)) {
                if (b.length() > 0) {
                    b.append('+');
                }
                b.append(t.node());
                last = t.node();
            }
        }
        return b.toString();
    }
}
