package io.computegrid.server.agent;

import io.computegrid.agentapi.AgentApi.Registered;
import io.computegrid.agentapi.AgentApi.Registration;
import io.computegrid.model.AcceleratorCatalog;
import io.computegrid.model.Center;
import io.computegrid.model.Names;
import io.computegrid.server.api.ApiContext;
import io.computegrid.server.api.ApiException;
import java.util.regex.Pattern;

/**
 * Registration: a join token buys a new agent its credential (shown once); an agent with a credential registers
 * again at each start with its current resources. Both are checked against the server's catalog before anything
 * is written. A known agent that comes back as a new process (new session) lost whatever it had started: those
 * jobs are requeued at once instead of after downAfter.
 */
final class Registrations {
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,253}");
    private final Agents agents;
    private final ApiContext api;

    Registrations(Agents agents, ApiContext api) {
        this.agents = agents;
        this.api = api;
    }

    Registered join(JoinTokens.Valid token, Registration r) {
        AgentBackend b = agentCenter(token.center());
        validate(r, api.federation().current().catalog());
        String credential = api.tokens().secret(AgentStore.CREDENTIAL_PREFIX);
        AgentStore.Joined j = agents.store().join(token.id(), token.center(), r, token.center() + "-" + r.name(),
                pool(r), credential, b.settings().downAfter());
        if (j.replaced() != null) {
            agents.requeueLost(j.agent(), "agent " + r.name() + " joined again as a new process", true,
                    AgentProtocolRoutes.running(r));
        }
        agents.refresh(token.center());
        return registered(j.agent(), credential, b);
    }

    Registered again(AgentRow known, Registration r) {
        AgentBackend b = agentCenter(known.center());
        validate(r, api.federation().current().catalog());
        if (!known.name().equals(r.name())) {
            throw ApiException.conflict("name: this credential belongs to agent " + known.name() + ", not "
                    + io.computegrid.server.api.Api.clip(r.name()));
        }
        AgentRow now = agents.store().reRegister(known, r, pool(r));
        if (!r.session().equals(known.session())) {
            agents.requeueLost(now, "agent " + r.name() + " restarted", true, AgentProtocolRoutes.running(r));
        }
        agents.refresh(known.center());
        return registered(now, null, b);
    }

    private AgentBackend agentCenter(String center) {
        return agents.backend(center).orElseThrow(() -> ApiException.unprocessable("center " + center
                + " does not run agents (its backend is not {type: agent})"));
    }

    private static Registered registered(AgentRow a, String credential, AgentBackend b) {
        return new Registered(a.id(), a.name(), a.center(), a.node(), a.pool(), credential,
                b.settings().heartbeatInterval().toMillis(), b.settings().downAfter().toMillis());
    }

    /** Identical nodes share a pool: the model and the number of cards name it. */
    static String pool(Registration r) {
        String p = r.accelerator() + "-x" + r.cards();
        return Names.isValid(p) ? p : "agents-x" + r.cards();
    }

    static void validate(Registration r, AcceleratorCatalog catalog) {
        if (!Names.isValid(r.name())) {
            throw ApiException.badRequest("name: use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (r.accelerator() == null || !catalog.contains(r.accelerator())) {
            throw ApiException.unprocessable("accelerator: unknown model '" + io.computegrid.server.api.Api.clip(
                    r.accelerator()) + "' (known: " + String.join(", ", catalog.all().stream().map(a -> a.model())
                    .toList()) + ")");
        }
        if (r.cards() < 0 || r.cards() > 64) {
            throw ApiException.badRequest("cards: must be between 0 and 64");
        }
        if (r.cpuMilli() < 1 || r.cpuMilli() > 100_000_000) {
            throw ApiException.badRequest("cpuMilli: must be between 1 and 100000000");
        }
        if (r.memoryMiB() < 1 || r.memoryMiB() > 1L << 36) {
            throw ApiException.badRequest("memoryMiB: must be between 1 and " + (1L << 36));
        }
        if (r.address() == null || !ADDRESS.matcher(r.address()).matches()) {
            throw ApiException.badRequest("address: must be a host name or an IP address");
        }
        if (r.portFrom() < 1 || r.portTo() > 65535 || r.portFrom() > r.portTo()) {
            throw ApiException.badRequest("portFrom, portTo: a range within 1-65535, low to high");
        }
        if (r.session() == null || r.session().isBlank() || r.session().length() > 100) {
            throw ApiException.badRequest("session: required, at most 100 characters");
        }
        if (r.version() != null && r.version().length() > 100) {
            throw ApiException.badRequest("version: at most 100 characters");
        }
    }
}
