package io.computegrid.server.agent;

import io.computegrid.agentapi.AgentApi;
import io.computegrid.agentapi.AgentApi.Checkpoint;
import io.computegrid.agentapi.AgentApi.TaskKey;
import io.computegrid.agentapi.AgentApi.TaskReport;
import io.computegrid.backend.BackendListener;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Turns what an agent reports into the listener's calls, exactly once per change: the job store's task rows are
 * the truth (a task is started only while it is STARTING, ended only while it is not EXITED), so a report repeated
 * after a lost answer, a reconnect or a server restart changes nothing. Tasks the server does not want where they
 * run (their job moved on, was requeued or ended) get a CANCEL instead.
 */
final class AgentReports {
    private final Jdbi jdbi;
    private final BackendListener listener;

    AgentReports(Jdbi jdbi, BackendListener listener) {
        this.jdbi = jdbi;
        this.listener = listener;
    }

    /** Where the store has a reported task: its job's state and attempt, and the task's node and state. */
    private record Known(String jobState, int jobAttempt, String stopRequest, String node, String taskState) {
        boolean wanted(AgentRow a, TaskReport t) {
            return ("ADMITTED".equals(jobState) || "RUNNING".equals(jobState)) && jobAttempt == t.attempt()
                    && a.node().equals(node);
        }
    }

    private Optional<Known> known(TaskReport t) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT j.state, j.attempt, j.stop_request, t.node, t.state AS task_state FROM jobs j
                        LEFT JOIN tasks t ON t.job_id = j.id AND t.attempt = :a AND t.idx = :i WHERE j.id = :j""")
                .bind("j", t.jobId()).bind("a", t.attempt()).bind("i", t.index())
                .map((rs, ctx) -> new Known(rs.getString("state"), rs.getInt("attempt"), rs.getString("stop_request"),
                        rs.getString("node"), rs.getString("task_state"))).findOne());
    }

    /** Applies one report; returns the exits that are now durable, which the agent may forget. */
    List<TaskKey> apply(AgentRow agent, List<TaskReport> tasks, List<Checkpoint> checkpoints, Agents agents) {
        List<TaskKey> forget = new ArrayList<>();
        for (TaskReport t : tasks) {
            Optional<Known> k = known(t);
            boolean exited = AgentApi.EXITED.equals(t.state());
            if (k.isEmpty() || !k.get().wanted(agent, t)) {
                if (!exited) {
                    agents.notWanted(agent, t, k.map(x -> "job " + t.jobId() + " is " + x.jobState() + " (attempt "
                            + x.jobAttempt() + ")").orElse("job " + t.jobId() + " does not exist"));
                }
                if (k.isPresent()) {
                    record(agent, t);
                }
                if (exited) {
                    forget.add(new TaskKey(t.jobId(), t.attempt(), t.index()));
                }
                continue;
            }
            String handle = t.handle() == null ? null : t.handle() + "@" + agent.name();
            if ("STARTING".equals(k.get().taskState()) && (t.handle() != null || !exited)) {
                if (t.port() > 0) { // before taskStarted: a started replica always has its endpoint
                    listener.taskEndpoint(t.jobId(), t.attempt(), t.index(), agent.address(), t.port());
                }
                listener.taskStarted(t.jobId(), t.attempt(), t.index(), handle);
            }
            if (exited && !"EXITED".equals(k.get().taskState())) {
                String reason = siblingReason(t.reason());
                listener.taskExited(t.jobId(), t.attempt(), t.index(), t.exitCode() == null ? 255 : t.exitCode(), reason);
                if (failedOnItsOwn(t, reason) && k.get().stopRequest() == null) {
                    // the rest of a gang spread over several agents stops with it, as a gang on one node does
                    agents.stopAttempt(t.jobId(), t.attempt(), "stopped: task " + t.index() + " failed (exit "
                            + t.exitCode() + ")", false, listener);
                }
            }
            record(agent, t);
            if (exited && exitIsDurable(t)) { // not when the runtime let it pass (it is shutting down)
                forget.add(new TaskKey(t.jobId(), t.attempt(), t.index()));
            }
        }
        for (Checkpoint c : checkpoints) {
            boolean newer = jdbi.withHandle(h -> h.createQuery("""
                            SELECT count(*) FROM jobs WHERE id = :j AND attempt = :a
                              AND (last_checkpoint_at IS NULL OR last_checkpoint_at < :t)""")
                    .bind("j", c.jobId()).bind("a", c.attempt()).bind("t", new Timestamp(c.atMillis()))
                    .mapTo(Long.class).one()) > 0;
            if (newer) {
                listener.checkpoint(c.jobId(), c.attempt(), c.atMillis());
            }
        }
        return forget;
    }

    private boolean exitIsDurable(TaskReport t) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT count(*) FROM tasks t JOIN jobs j ON j.id = t.job_id
                        WHERE t.job_id = :j AND t.attempt = :a AND t.idx = :i
                          AND (t.state = 'EXITED' OR j.attempt <> t.attempt OR j.state NOT IN ('ADMITTED', 'RUNNING'))""")
                .bind("j", t.jobId()).bind("a", t.attempt()).bind("i", t.index()).mapTo(Long.class).one()) > 0;
    }

    /** The agent's cancel of a gang's siblings reads "killed: stopped: task N failed"; the server's word is "stopped: ...". */
    static String siblingReason(String reason) {
        return reason != null && reason.startsWith("killed: stopped: ") ? reason.substring("killed: ".length()) : reason;
    }

    private static boolean failedOnItsOwn(TaskReport t, String reason) {
        return t.exitCode() != null && t.exitCode() != 0 && (reason == null
                || !(reason.startsWith("stopped:") || reason.startsWith("killed:")));
    }

    /** The last report of each task, for reconcile and for operators. */
    private void record(AgentRow agent, TaskReport t) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO agent_tasks(job_id, attempt, idx, agent_id, state, handle, exit_code, reason, port)
                        VALUES (:j, :a, :i, :ag, :s, :h, :e, :r, :p)
                        ON CONFLICT (job_id, attempt, idx) DO UPDATE SET agent_id = :ag, state = :s, handle = :h,
                            exit_code = :e, reason = :r, port = :p, reported_at = now()
                        WHERE agent_tasks.state <> :s OR agent_tasks.agent_id <> :ag""")
                .bind("j", t.jobId()).bind("a", t.attempt()).bind("i", t.index()).bind("ag", agent.id())
                .bind("s", AgentApi.EXITED.equals(t.state()) ? AgentApi.EXITED : AgentApi.RUNNING)
                .bind("h", t.handle()).bind("e", t.exitCode()).bind("r", t.reason()).bind("p", t.port())
                .execute());
    }
}
