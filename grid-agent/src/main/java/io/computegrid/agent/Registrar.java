package io.computegrid.agent;

import io.computegrid.agentapi.AgentApi;
import io.computegrid.agentapi.AgentApi.Registered;
import java.io.IOException;
import java.util.Optional;

/**
 * Registration: with the credential kept in the work directory when there is one (every start after the first),
 * otherwise with the join token, which the server trades for a credential shown once and kept here (mode 600).
 * An unreachable server is waited for; a refused token or bad resources end the agent with one line.
 */
final class Registrar {
    private final Agent agent;

    Registrar(Agent agent) {
        this.agent = agent;
    }

    void register(boolean firstTime) throws AgentException {
        AgentOptions o = agent.options();
        Backoff wait = new Backoff(500, agent.retryCap());
        while (!agent.stopping()) {
            Optional<WorkDir.Identity> id = identity();
            boolean ours = id.isPresent() && id.get().name().equals(o.name());
            if (id.isPresent() && !ours && o.joinToken() == null) {
                throw new AgentException("--work " + agent.work().root() + " holds the credential of agent "
                        + id.get().name() + ", not " + o.name() + "; use another --work or give --join-token", 2);
            }
            String bearer = ours ? id.get().credential() : o.joinToken();
            if (bearer == null) {
                throw new AgentException("--join-token is required: " + agent.work().root()
                        + " holds no credential from an earlier join", 2);
            }
            try {
                Registered r = agent.link().post(AgentApi.REGISTER, agent.registration(), Registered.class,
                        agent.requestTimeout(), bearer);
                if (r.credential() != null) {
                    save(new WorkDir.Identity(r.name(), r.center(), r.credential()));
                }
                agent.link().credential(r.credential() != null ? r.credential() : bearer);
                agent.registered(r);
                if (!firstTime) {
                    agent.say("registered again as node " + r.node());
                }
                return;
            } catch (ServerLink.Unreachable e) {
                if (!wait.pause()) {
                    return;
                }
            } catch (ServerLink.Refused e) {
                if (ours && e.status == 401) {
                    if (o.joinToken() == null) {
                        throw new AgentException("the server no longer accepts this agent's credential ("
                                + e.getMessage() + "); start it with --join-token to join again", 3);
                    }
                    agent.say("the server no longer accepts this agent's credential; joining again with the join token");
                    forget();
                    continue;
                }
                if (e.status == 401 || e.status == 403) {
                    throw new AgentException("the server refused the join token: " + e.getMessage(), 3);
                }
                if (e.status == 409 && e.getMessage().contains("is connected from")) {
                    agent.say(e.getMessage() + "; retrying");
                    if (!wait.pause()) {
                        return;
                    }
                    continue;
                }
                throw new AgentException("the server refused the registration: " + e.getMessage() + " (HTTP "
                        + e.status + ")", 2);
            }
        }
    }

    private Optional<WorkDir.Identity> identity() throws AgentException {
        try {
            return agent.work().identity();
        } catch (IOException | RuntimeException e) {
            throw new AgentException("--work: cannot read " + agent.work().root().resolve("agent.json") + ": "
                    + e.getMessage(), 2);
        }
    }

    private void save(WorkDir.Identity id) throws AgentException {
        try {
            agent.work().saveIdentity(id);
        } catch (IOException e) {
            throw new AgentException("--work: cannot keep the credential: " + e.getMessage(), 2);
        }
    }

    private void forget() throws AgentException {
        try {
            agent.work().forgetIdentity();
        } catch (IOException e) {
            throw new AgentException("--work: " + e.getMessage(), 2);
        }
    }
}
