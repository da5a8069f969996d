package io.computegrid.server.agent;

import io.computegrid.agentapi.AgentApi.LaunchSpec;
import io.computegrid.backend.ActiveJob;
import io.computegrid.backend.Backend;
import io.computegrid.backend.BackendException;
import io.computegrid.backend.BackendListener;
import io.computegrid.backend.DiscoveredNode;
import io.computegrid.backend.LaunchRequest;
import io.computegrid.backend.Rendezvous;
import io.computegrid.backend.TaskLaunch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * A center whose nodes are pull-mode agents (docs/agent.md). Launch and cancel become durable commands that the
 * nodes' agents fetch by long poll; what agents report comes back through {@link AgentReports}. After a server
 * restart nothing is requeued for the agents' sake: a job whose launch was queued is RUNNING (or PENDING until an
 * agent takes the command) and the agents' next reports settle it.
 */
final class AgentBackend implements Backend {
    private final String center;
    private final AgentSettings settings;
    private final Agents agents;
    private final BackendListener listener;
    private final AgentReports reports;
    private final Object launchLock = new Object();

    AgentBackend(String center, AgentSettings settings, Agents agents, BackendListener listener) {
        this.center = center;
        this.settings = settings;
        this.agents = agents;
        this.listener = listener;
        this.reports = new AgentReports(agents.store().jdbi(), listener);
    }

    @Override
    public String type() {
        return AgentSettings.TYPE;
    }

    String center() {
        return center;
    }

    AgentSettings settings() {
        return settings;
    }

    AgentReports reports() {
        return reports;
    }

    /** One command per agent with its tasks; all meet at task 0's agent, on a port of its range the server picks. */
    @Override
    public String launch(LaunchRequest r) throws BackendException {
        Map<String, List<TaskLaunch>> byNode = new LinkedHashMap<>();
        for (TaskLaunch t : r.tasks()) {
            byNode.computeIfAbsent(t.node(), k -> new ArrayList<>()).add(t);
        }
        String masterNode = r.tasks().stream().filter(t -> t.index() == 0).findFirst()
                .orElseThrow(() -> new BackendException("job " + r.jobId() + " has no task 0", false)).node();
        List<Long> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        synchronized (launchLock) { // one rendezvous port per gang, never two gangs on one port of an agent
            agents.store().jdbi().inTransaction(h -> {
                Map<String, AgentRow> byName = new HashMap<>();
                for (String node : byNode.keySet()) {
                    AgentRow a = AgentStore.byNode(h, node).orElseThrow(() -> new BackendException(
                            "center " + center + ": node " + node + " has no agent", true));
                    if (!AgentRow.UP.equals(a.status())) {
                        throw new BackendException("center " + center + ": agent " + a.name() + " is "
                                + a.status(), true);
                    }
                    byName.put(node, a);
                }
                AgentRow master = byName.get(masterNode);
                int port = rendezvousPort(h, master, r.jobId(), r.attempt());
                Rendezvous meet = new Rendezvous(master.address(), port, r.tasks().size());
                for (Map.Entry<String, List<TaskLaunch>> e : byNode.entrySet()) {
                    AgentRow a = byName.get(e.getKey());
                    AgentCommands.launch(h, a.id(), r.jobId(), r.attempt(), LaunchSpec.of(r, e.getValue(), meet),
                            a == master ? port : null);
                    ids.add(a.id());
                    names.add(a.name());
                }
                return null;
            });
        }
        agents.commands().signal(ids);
        return "agents:" + String.join(",", names);
    }

    /**
     * A free port of the master agent's range: not the rendezvous of another live gang meeting there and not a
     * port one of its serving tasks reported. Starts at a place that depends on the job, so that a relaunch
     * rarely reuses the port a killed attempt may still hold.
     */
    private static int rendezvousPort(Handle h, AgentRow master, long jobId, int attempt) throws BackendException {
        Set<Integer> used = new HashSet<>(h.createQuery("""
                        SELECT c.master_port FROM agent_commands c JOIN jobs j ON j.id = c.job_id AND j.attempt = c.attempt
                        WHERE c.agent_id = :a AND c.type = 'LAUNCH' AND c.master_port IS NOT NULL
                          AND j.state IN ('ADMITTED', 'RUNNING')
                        UNION SELECT port FROM agent_tasks WHERE agent_id = :a AND state = 'RUNNING' AND port > 0""")
                .bind("a", master.id()).mapTo(Integer.class).list());
        int size = master.portTo() - master.portFrom() + 1;
        int start = (int) Math.floorMod(jobId * 31 + attempt, (long) size);
        for (int i = 0; i < size; i++) {
            int p = master.portFrom() + (start + i) % size;
            if (!used.contains(p)) {
                return p;
            }
        }
        throw new BackendException("center " + master.center() + ": every port of agent " + master.name() + "'s range "
                + master.portFrom() + "-" + master.portTo() + " is in use", true);
    }

    /** Durable CANCELs to every agent of the attempt; tasks whose launch is withdrawn before any agent took it end now. */
    @Override
    public void cancel(long jobId, int attempt, String handle, String reason) {
        agents.stopAttempt(jobId, attempt, reason, false, listener);
    }

    @Override
    public Map<Long, JobStatus> reconcile(List<ActiveJob> jobs) {
        Map<Long, JobStatus> out = new HashMap<>();
        agents.store().jdbi().useHandle(h -> {
            for (ActiveJob j : jobs) {
                Optional<Boolean> acked = h.createQuery("""
                                SELECT bool_or(acked_at IS NOT NULL) FROM agent_commands
                                WHERE job_id = :j AND attempt = :a AND type = 'LAUNCH'""")
                        .bind("j", j.jobId()).bind("a", j.attempt()).mapTo(Boolean.class).findOne();
                out.put(j.jobId(), acked.isEmpty() || acked.get() == null ? JobStatus.UNKNOWN
                        : acked.get() ? JobStatus.RUNNING : JobStatus.PENDING);
            }
        });
        return out;
    }

    /** The agents that joined this center, as nodes; one that is not UP, or is drained, takes no new work. */
    @Override
    public Optional<List<DiscoveredNode>> discover() {
        List<DiscoveredNode> nodes = new ArrayList<>();
        for (AgentRow a : agents.store().ofCenter(center)) {
            nodes.add(new DiscoveredNode(a.name(), a.pool(), a.accelerator(), a.cards(), a.cpuMilli(), a.memoryMiB(),
                    0, AgentRow.UP.equals(a.status()) && !a.draining()));
        }
        return Optional.of(nodes);
    }
}
