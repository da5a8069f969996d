package io.computegrid.cli.agent;

import io.computegrid.cli.CliException;
import io.computegrid.cli.ClientOptions;
import io.computegrid.cli.Output;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code grid agent token --center C [--ttl 24h]}: a join token for agents of one center, printed once. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Make a join token for agents of an agent center (operator), printed once; "
                + "or revoke one with --revoke ID.",
                "Any number of agents may join with it until it expires; each gets its own credential."})
public final class AgentTokenCommand implements Callable<Integer> {
    @Mixin
    ClientOptions c;
    @Option(names = "--center", description = "The agent center the token joins agents to")
    String center;
    @Option(names = "--ttl", description = "How long the token can be used (default 24h; e.g. 30m, 7d)")
    String ttl;
    @Option(names = "--revoke", paramLabel = "ID", description = "Revoke the join token with this id instead")
    Long revoke;

    @Override
    public Integer call() {
        boolean json = c.json();
        if (revoke != null) {
            JsonNode r = c.client().delete("/api/v1/agents/join-tokens/" + revoke);
            if (json) {
                Output.json(r);
            } else {
                System.out.println("join token " + revoke + " revoked");
            }
            return 0;
        }
        if (center == null) {
            throw new CliException("--center: required (the agent center the token is for)", 2);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("center", center);
        if (ttl != null) {
            body.put("ttl", ttl);
        }
        JsonNode t = c.client().post("/api/v1/agents/join-tokens", body);
        if (json) {
            Output.json(t);
        } else {
            System.out.println(t.get("token").asString());
            System.err.println("join token " + t.get("id").asLong() + " for center " + t.get("center").asString()
                    + ", valid until " + t.get("expiresAt").asString() + "; shown once");
        }
        return 0;
    }
}
