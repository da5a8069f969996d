package io.computegrid.cli.agent;

import io.computegrid.cli.ApiClient;
import io.computegrid.cli.ClientOptions;
import io.computegrid.cli.Output;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code grid agents}: every agent with its node, resources, address, status, last heartbeat and tasks (operator). */
@Command(name = "agents", mixinStandardHelpOptions = true, description = "List edge agents (operator).")
public final class AgentsCommand implements Callable<Integer> {
    @Mixin
    ClientOptions c;
    @Option(names = "--center", description = "Only agents of this center")
    String center;

    @Override
    public Integer call() {
        boolean json = c.json();
        JsonNode items = c.client().get("/api/v1/agents" + (center == null ? "" : ApiClient.query(Map.of("center",
                center)))).get("items");
        if (json) {
            Output.json(items);
            return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode a : items) {
            List<String> tasks = new ArrayList<>();
            for (JsonNode t : a.get("tasks")) {
                tasks.add(t.get("jobId").asLong() + "/" + t.get("index").asInt());
            }
            rows.add(List.of(Output.text(a, "name"), Output.text(a, "center"), Output.text(a, "node"),
                    Output.text(a, "cards") + "x" + Output.text(a, "accelerator"), Output.text(a, "address"),
                    Output.text(a, "status") + (a.path("draining").asBoolean(false) ? ", draining" : ""),
                    Output.text(a, "secondsSinceHeartbeat") + "s ago",
                    tasks.isEmpty() ? "-" : String.join(" ", tasks)));
        }
        Output.table(List.of("AGENT", "CENTER", "NODE", "CARDS", "ADDRESS", "STATUS", "HEARTBEAT", "TASKS (job/task)"),
                rows);
        return 0;
    }
}
