package io.computegrid.cli.agent;

import io.computegrid.cli.ApiClient;
import io.computegrid.cli.ClientOptions;
import io.computegrid.cli.Output;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code grid agent remove NODE}: an operator removes a box that is gone for good. */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = {"Remove an agent for good (operator): its node, its pool when no node is left in it, and its "
                + "credential.",
                "Only an agent that is DOWN or LEFT (stop it first); to come back it joins again with a join token."})
public final class AgentRemoveCommand implements Callable<Integer> {
    @Mixin
    ClientOptions c;
    @Parameters(paramLabel = "NODE", description = "The agent's node, as grid agents shows it (e.g. field-box1)")
    String node;

    @Override
    public Integer call() {
        JsonNode r = c.client().delete("/api/v1/agents/" + ApiClient.segment(node));
        if (c.json()) {
            Output.json(r);
        } else {
            System.out.println("agent " + r.get("name").asString() + " of center " + r.get("center").asString()
                    + " removed (node " + r.get("node").asString() + ")");
        }
        return 0;
    }
}
