package io.computegrid.cli.agent;

import io.computegrid.cli.ApiClient;
import io.computegrid.cli.ClientOptions;
import io.computegrid.cli.Output;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code grid agent drain NODE [--resume]}: maintenance of an edge box without stopping what it runs. */
@Command(name = "drain", mixinStandardHelpOptions = true,
        description = {"Drain an agent (operator): its node takes no new work, its running tasks go on.",
                "--resume: it takes work again. A drained agent stays drained across its restarts."})
public final class AgentDrainCommand implements Callable<Integer> {
    @Mixin
    ClientOptions c;
    @Parameters(paramLabel = "NODE", description = "The agent's node, as grid agents shows it (e.g. field-box1)")
    String node;
    @Option(names = "--resume", description = "Take work again")
    boolean resume;

    @Override
    public Integer call() {
        JsonNode a = c.client().post("/api/v1/agents/" + ApiClient.segment(node) + (resume ? "/resume" : "/drain"), Map.of());
        if (c.json()) {
            Output.json(a);
        } else {
            System.out.println("agent " + a.get("name").asString() + " of center " + a.get("center").asString()
                    + (resume ? " takes work again" : " is draining: no new work, " + a.get("tasks").size()
                    + " running task(s) go on"));
        }
        return 0;
    }
}
