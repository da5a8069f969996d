package io.computegrid.agent;

import io.computegrid.agentapi.AgentApi;
import io.computegrid.agentapi.AgentApi.StatusReply;
import io.computegrid.agentapi.AgentApi.StatusReport;

/**
 * Logs and status: every 200 ms the new log bytes go to the server, then a status report when something changed
 * (a start, an exit whose log is complete, a checkpoint) or a heartbeat is due. While the server cannot be
 * reached the tasks keep running and the loop retries with a capped backoff; everything not yet confirmed is
 * sent again once it answers.
 */
final class SyncLoop {
    private static final long ROUND_MILLIS = 200;
    private final Agent agent;
    private long nextBeat;

    SyncLoop(Agent agent) {
        this.agent = agent;
    }

    void run() {
        Backoff wait = new Backoff(200, agent.retryCap());
        while (!agent.stopping()) {
            try {
                report(); // starts first: a task's start is not held up by its first log lines
                agent.shipper().shipAll(agent.requestTimeout());
                report(); // exits whose last lines just went out
                wait.reset();
                agent.awaitNews(ROUND_MILLIS);
            } catch (ServerLink.Unreachable e) {
                if (!wait.pause()) {
                    return;
                }
            } catch (ServerLink.Refused e) {
                if (!handleRefusal(agent, e) || !wait.pause()) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                agent.say("sync failed: " + e);
                if (!wait.pause()) {
                    return;
                }
            }
        }
    }

    /** Sends a status report when something changed or a heartbeat is due. */
    private void report() throws ServerLink.Unreachable, ServerLink.Refused {
        if (!agent.table().hasNews() && System.currentTimeMillis() < nextBeat) {
            return;
        }
        StatusReport rep = agent.table().report(agent.session());
        try {
            StatusReply reply = agent.link().post(AgentApi.STATUS, rep, StatusReply.class, agent.requestTimeout());
            agent.table().confirmed(reply.forget(), rep.checkpoints());
            nextBeat = System.currentTimeMillis() + reply.heartbeatMillis();
        } catch (ServerLink.Unreachable | ServerLink.Refused | RuntimeException e) {
            agent.table().retry(); // nothing of that report is lost: send it again
            throw e;
        }
    }

    /**
     * The server refused a call: 401 (credential gone) or 409 (another session registered under this credential)
     * means register again; anything else is said and retried. False when the agent must stop.
     */
    static boolean handleRefusal(Agent agent, ServerLink.Refused e) {
        if (e.status == 401 || e.status == 409) {
            synchronized (agent.registering) {
                try {
                    new Registrar(agent).register(false);
                } catch (AgentException fatal) {
                    agent.fatal(fatal);
                    return false;
                }
            }
            return true;
        }
        agent.say("the server refused a call: " + e.getMessage() + " (HTTP " + e.status + ")");
        return true;
    }
}
