package io.computegrid.agent;

import io.computegrid.agentapi.AgentApi;
import io.computegrid.agentapi.AgentApi.Leave;
import io.computegrid.agentapi.AgentApi.Registered;
import io.computegrid.agentapi.AgentApi.Registration;
import io.computegrid.backend.ActiveJob;
import io.computegrid.backend.local.LocalBackend;
import io.computegrid.backend.local.LocalBackendOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * {@code grid agent}: a pull-mode edge agent (docs/agent.md). It dials out to the server, registers what it offers,
 * then runs two loops until it is stopped: a command long poll (launch, cancel; each carried out once, acknowledged
 * on the next poll) and a sync loop (log chunks every 200 ms, a status report on every change and at least every
 * heartbeat). Tasks run through the local backend, in their own process groups, and do not depend on the server:
 * an unreachable or restarting server only delays reports. On SIGTERM ({@link #stop}) its tasks are stopped,
 * their last log lines shipped and the server told, so that it requeues them at once.
 */
public final class Agent {
    public static final String VERSION = "computegrid-agent 0.1.0";
    private final AgentOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private final WorkDir work;
    private final ServerLink link;
    private final TaskTable table;
    private final LogShipper shipper;
    private final String session = UUID.randomUUID().toString();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Object wake = new Object();
    private volatile LocalBackend backend;
    private volatile Registered me;
    private volatile AgentException fatal;
    private volatile boolean stopping;
    private final java.util.concurrent.atomic.AtomicBoolean stopRequested = new java.util.concurrent.atomic.AtomicBoolean();
    /** Held while registering again, so that the two loops do not both do it. */
    final Object registering = new Object();
    private boolean left;
    private Thread commandThread;
    private Thread syncThread;

    public Agent(AgentOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
        this.work = new WorkDir(options.workDir());
        this.link = new ServerLink(options.servers(), this::say);
        this.table = new TaskTable(this::saveRunning, this::wakeSync);
        this.shipper = new LogShipper(link, table);
    }

    /** Runs until {@link #stop} (returns) or a fatal refusal (throws). */
    public void run() throws AgentException {
        try {
            work.open();
        } catch (IOException e) {
            throw new AgentException("--work: " + e.getMessage(), 2);
        }
        backend = new LocalBackend(options.name(), table, LocalBackendOptions.defaults()
                .withKillGrace(options.killGrace()).withPorts(options.ports())
                .withServiceHost(options.advertiseAddress()).withWorkDir(r -> work.workDir(r.jobId())));
        killLeftovers();
        new Registrar(this).register(true);
        if (stopping) { // stopped while it registered: stop() may have found no registration to take back
            leave();
            return;
        }
        say("joined center " + me.center() + " as node " + me.node() + " (pool " + me.pool() + ", "
                + options.cards() + " x " + options.accelerator() + ", tasks reached at " + options.advertiseAddress()
                + ", ports " + options.ports() + "); heartbeat every " + me.heartbeatMillis() + " ms");
        out.println("agent " + options.name() + " is running as node " + me.node() + " of center " + me.center());
        out.flush();
        commandThread = daemon(new CommandLoop(this)::run, "agent-commands");
        syncThread = daemon(new SyncLoop(this)::run, "agent-sync");
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (fatal != null && !stopping) {
            stop();
            throw fatal;
        }
    }

    /**
     * Stops the agent: its tasks are stopped (SIGTERM to each process group, SIGKILL after the grace), their last
     * log lines shipped and the server told that this agent left, so it requeues those jobs now rather than after
     * downAfter. Without a server the jobs are requeued once this agent's silence exceeds downAfter.
     */
    public void stop() {
        if (!stopRequested.compareAndSet(false, true)) {
            return;
        }
        stopping = true;
        for (Thread t : new Thread[]{commandThread, syncThread}) {
            if (t != null) {
                t.interrupt();
                try {
                    t.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (backend != null) {
            backend.close();
        }
        leave();
        saveRunning(List.of());
        work.close();
        done.countDown();
    }

    /** Ships the last log lines and tells the server this agent left (so it requeues its jobs now). */
    private synchronized void leave() {
        if (me == null || left) {
            return;
        }
        left = true;
        try {
            shipper.shipAll(Duration.ofSeconds(2));
            link.post(AgentApi.LEAVE, new Leave(session, "the agent was stopped"), java.util.Map.class,
                    Duration.ofSeconds(2));
            say("stopped; its tasks were stopped and the server requeues their jobs");
        } catch (ServerLink.Unreachable | ServerLink.Refused e) {
            say("stopped without telling the server (" + e.getMessage() + "); it requeues this agent's jobs "
                    + "once the agent has been silent for its downAfter");
        }
    }

    /** A previous agent process killed with SIGKILL left its tasks running: they belong to jobs the server requeues. */
    private void killLeftovers() throws AgentException {
        try {
            List<ActiveJob> left = work.running();
            if (!left.isEmpty()) {
                say("stopping " + left.size() + " task(s) a previous agent process left running");
                backend.reconcile(left);
                work.saveRunning(List.of());
            }
        } catch (IOException | RuntimeException e) {
            throw new AgentException("--work: cannot read what a previous agent left: " + e.getMessage(), 2);
        }
    }

    Registration registration() {
        return new Registration(options.name(), options.accelerator(), options.cards(), options.cpuMilli(),
                options.memoryMiB(), options.advertiseAddress(), options.ports().from(), options.ports().to(), session,
                VERSION, table.report(session).tasks());
    }

    void fatal(AgentException e) {
        fatal = e;
        done.countDown();
    }

    void registered(Registered r) {
        me = r;
    }

    /**
     * The longest pause between retries: 5 s, or a quarter of the server's downAfter when that is shorter, so
     * that a server back from a restart hears from every agent well before it would give their jobs up.
     */
    long retryCap() {
        return me == null ? 5_000 : Math.max(200, Math.min(5_000, me.downAfterMillis() / 4));
    }

    Duration requestTimeout() {
        long beat = me == null ? 10_000 : me.heartbeatMillis();
        return Duration.ofMillis(Math.max(2_000, Math.min(10_000, 2 * beat)));
    }

    void say(String line) {
        err.println("agent " + options.name() + ": " + line);
        err.flush();
    }

    private void wakeSync() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /** The sync loop's pause: {@code millis}, or less when something happened. */
    void awaitNews(long millis) throws InterruptedException {
        synchronized (wake) {
            if (!table.hasNews()) {
                wake.wait(millis);
            }
        }
    }

    private void saveRunning(List<ActiveJob> running) {
        try {
            work.saveRunning(running);
        } catch (IOException e) {
            say("cannot write " + work.root().resolve("running.json") + ": " + e.getMessage());
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    AgentOptions options() {
        return options;
    }

    WorkDir work() {
        return work;
    }

    ServerLink link() {
        return link;
    }

    TaskTable table() {
        return table;
    }

    LogShipper shipper() {
        return shipper;
    }

    LocalBackend backend() {
        return backend;
    }

    Registered me() {
        return me;
    }

    String session() {
        return session;
    }

    boolean stopping() {
        return stopping;
    }
}
