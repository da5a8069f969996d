package io.computegrid.server.agent;

import io.computegrid.agentapi.AgentApi.TaskReport;
import io.computegrid.backend.BackendListener;
import io.computegrid.config.FederationConfig;
import io.computegrid.server.api.RouteModule;
import io.computegrid.server.auth.TokenService;
import io.computegrid.server.events.EventBus;
import io.computegrid.server.jobs.JobPaths;
import io.computegrid.server.runtime.BackendRegistry;
import io.computegrid.server.runtime.CenterMonitor;
import io.computegrid.server.runtime.JobRuntime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of pull-mode agents, wired into the server in three steps: {@link #install} (before the
 * centers' backends are created: adds the {@code agent} backend type), {@link #start} (once the job runtime and
 * the center monitor exist: watches for silent agents) and {@link #routes} (the agent protocol and the operators'
 * endpoints). Also what its parts share: stopping a job attempt on its agents and giving up a lost agent's jobs.
 */
public final class Agents implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agents.class);
    private final AgentStore store;
    private final AgentCommands commands;
    private final JoinTokens joinTokens;
    private final AgentLogs logs;
    private final EventBus bus;
    private final Map<String, AgentBackend> backends = new ConcurrentHashMap<>();
    private volatile JobRuntime runtime;
    private volatile CenterMonitor monitor;
    private volatile AgentSupervisor supervisor;

    private Agents(Jdbi jdbi, JobPaths paths, TokenService tokens, EventBus bus) {
        this.store = new AgentStore(jdbi);
        this.commands = new AgentCommands(jdbi);
        this.joinTokens = new JoinTokens(jdbi, tokens);
        this.logs = new AgentLogs(jdbi, paths);
        this.bus = bus;
    }

    /** Adds the {@code agent} backend type to the registry; call before the centers' backends are created. */
    public static Agents install(Jdbi jdbi, BackendRegistry registry, JobPaths paths, TokenService tokens, EventBus bus) {
        Agents a = new Agents(jdbi, paths, tokens, bus);
        registry.type(AgentSettings.TYPE, (center, listener) -> {
            AgentBackend b = new AgentBackend(center.name(), AgentSettings.from(center.name(), center.backend()), a,
                    listener);
            a.backends.put(center.name(), b);
            return b;
        });
        return a;
    }

    /** Validates every agent center's settings (call with the other config checks, before anything starts). */
    public static void validate(FederationConfig cfg) {
        AgentSettings.validate(cfg);
    }

    /**
     * Starts watching for silent agents; until an agent has been silent for downAfter since now, nothing is lost.
     * Call it just before the HTTP port opens: registrations need the runtime, and agents need the full downAfter.
     */
    public void start(JobRuntime jobRuntime, CenterMonitor centerMonitor) {
        this.runtime = jobRuntime;
        this.monitor = centerMonitor;
        this.supervisor = new AgentSupervisor(this, store.now());
        for (AgentBackend b : backends.values()) {
            refresh(b.center());
        }
    }

    public List<RouteModule> routes() {
        return List.of(new AgentProtocolRoutes(this), new AgentAdminRoutes(this));
    }

    AgentStore store() {
        return store;
    }

    AgentCommands commands() {
        return commands;
    }

    JoinTokens joinTokens() {
        return joinTokens;
    }

    AgentLogs logs() {
        return logs;
    }

    Optional<AgentBackend> backend(String center) {
        return Optional.ofNullable(backends.get(center));
    }

    Map<String, AgentBackend> backends() {
        return Map.copyOf(backends);
    }

    /** Nodes and pools of the center from its agents, now (as Slurm discovery does, through the center monitor). */
    void refresh(String center) {
        CenterMonitor m = monitor;
        if (m != null) {
            try {
                m.checkNow(center);
            } catch (RuntimeException e) {
                log.warn("center {}: refreshing its agent nodes failed: {}", center, e.toString());
            }
        }
    }

    /**
     * Queues a CANCEL of the attempt for every agent that has a part of it and withdraws launches no agent took
     * yet. Tasks whose launch was withdrawn never run: unless the attempt is an orphan (already closed), they end
     * here, with {@code reason} when it is a gang's "stopped: ..." and "stopped before it started" otherwise.
     */
    void stopAttempt(long jobId, int attempt, String reason, boolean orphan, BackendListener listener) {
        record Stop(List<Long> agents, List<Long> withdrawn, Map<Long, String> nodes) {
        }
        Stop s = store.jdbi().inTransaction(h -> {
            List<Long> ids = AgentCommands.agentsOf(h, jobId, attempt);
            List<Long> withdrawn = AgentCommands.cancel(h, ids, jobId, attempt, reason, orphan);
            Map<Long, String> nodes = new java.util.HashMap<>();
            for (long id : withdrawn) {
                h.createQuery("SELECT node FROM agents WHERE id = :id").bind("id", id).mapTo(String.class).findOne()
                        .ifPresent(n -> nodes.put(id, n));
            }
            return new Stop(ids, withdrawn, nodes);
        });
        commands.signal(s.agents());
        if (orphan || s.withdrawn().isEmpty()) {
            return;
        }
        String why = reason != null && reason.startsWith("stopped:") ? reason : "stopped before it started";
        List<Integer> never = store.jdbi().withHandle(h -> h.createQuery("""
                        SELECT idx FROM tasks WHERE job_id = :j AND attempt = :a AND state = 'STARTING'
                          AND node = ANY(:nodes) ORDER BY idx""")
                .bind("j", jobId).bind("a", attempt).bindArray("nodes", String.class, List.copyOf(s.nodes().values()))
                .mapTo(Integer.class).list());
        for (int idx : never) {
            listener.taskExited(jobId, attempt, idx, 143, why);
        }
    }

    /** A task runs on an agent where the server does not want it: the agent is told to kill it. */
    void notWanted(AgentRow agent, TaskReport t, String why) {
        boolean queued = store.jdbi().inTransaction(h -> {
            if (h.createQuery("SELECT count(*) FROM jobs WHERE id = :j").bind("j", t.jobId()).mapTo(Long.class)
                    .one() == 0) {
                return false;
            }
            AgentCommands.cancel(h, List.of(agent.id()), t.jobId(), t.attempt(), "not wanted here: " + why, true);
            return true;
        });
        if (queued) {
            commands.signal(List.of(agent.id()));
        }
    }

    /**
     * Gives up the jobs of an agent that is gone (silent, stopped, restarted): each is closed as lost and requeued,
     * and its attempt is cancelled on every agent that has a part of it, the lost one included (it hears it when
     * it comes back). {@code onlyLaunched}: only attempts the agent had taken (a restarted agent still gets the
     * launches it has not fetched); {@code keep}: jobs the agent says it still runs.
     */
    void requeueLost(AgentRow agent, String reason, boolean onlyLaunched, Set<Long> keep) {
        JobRuntime rt = runtime;
        List<long[]> jobs = store.jdbi().withHandle(h -> h.createQuery("""
                        SELECT DISTINCT j.id, j.attempt FROM jobs j JOIN tasks t ON t.job_id = j.id AND t.attempt = j.attempt
                        WHERE j.state IN ('ADMITTED', 'RUNNING') AND t.node = :node AND j.center = :c"""
                        + (onlyLaunched ? """
                          AND EXISTS (SELECT 1 FROM agent_commands c WHERE c.agent_id = :a AND c.job_id = j.id
                              AND c.attempt = j.attempt AND c.type = 'LAUNCH' AND c.acked_at IS NOT NULL)""" : ""))
                .bind("node", agent.node()).bind("c", agent.center()).bind("a", agent.id())
                .map((rs, ctx) -> new long[]{rs.getLong("id"), rs.getInt("attempt")}).list());
        for (long[] j : jobs) {
            if (keep.contains(j[0]) || rt == null) {
                continue;
            }
            rt.requeueFromLostCenter(j[0], agent.center(), reason);
            stopAttempt(j[0], (int) j[1], "orphaned: " + reason, true, null);
            log.warn("job {} attempt {}: {}; requeued", j[0], j[1], reason);
        }
    }

    /** Acknowledged cancels of orphans are events of their jobs; an attempt with none left is no orphan any more. */
    void acked(AgentRow agent, List<AgentCommands.Acked> acked) {
        for (AgentCommands.Acked a : acked) {
            if (!"CANCEL".equals(a.type()) || !a.orphan()) {
                continue;
            }
            EventBus.Batch ev = bus.batch();
            store.jdbi().useHandle(h -> h.createQuery("SELECT tenant FROM jobs WHERE id = :j").bind("j", a.jobId())
                    .mapTo(String.class).findOne().ifPresent(tenant -> ev.add(h, a.jobId(), tenant, "ORPHAN_CANCELLED",
                            null, "attempt " + a.attempt() + " was stopped on agent " + agent.name() + " of center "
                                    + agent.center() + " (the job had moved on without it)")));
            ev.publish();
            if (!commands.cancelsOutstanding(a.jobId(), a.attempt())) {
                store.jdbi().useHandle(h -> h.createUpdate("DELETE FROM orphans WHERE job_id = :j AND attempt = :a")
                        .bind("j", a.jobId()).bind("a", a.attempt()).execute());
            }
        }
    }

    Instant now() {
        return store.now();
    }

    @Override
    public void close() {
        AgentSupervisor s = supervisor;
        if (s != null) {
            s.close();
        }
        commands.wakeAll();
    }
}
