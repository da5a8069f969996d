package io.computegrid.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.JsonNode;

/**
 * A real server process with an agent center {@code field} (heartbeat 500 ms, an agent is down after 10 s of
 * silence: short for a test, long enough for a machine busy with other builds), the demo federation beside it, and {@code grid agent} processes that join it: each with 2 nvidia-t4
 * cards, its own loopback address (127.0.0.2, .3, ...) and port range, optionally behind a {@link TcpProxy}.
 */
final class AgentCluster implements AutoCloseable {
    static final String CONFIG = """
            centers:
              - name: field
                region: cn-south
                tier: edge
                backend: {type: agent, heartbeatInterval: 500ms, downAfter: 10s}
              - name: depot
                backend: {type: agent}
            tenants:
              - name: acme
                region: cn-east
                quota: {nvidia-a100: 8, ascend-910b: 8, ascend-310: 4, nvidia-t4: 8}
            health: {checkInterval: 1s}
            prices:
              entries:
                - {center: field, model: nvidia-t4, onDemand: 360}
            """;
    static final Duration WAIT = Duration.ofSeconds(60);

    final Path dir;
    final ServerProcess server;
    final List<AgentProcess> agents = new ArrayList<>();
    final List<TcpProxy> proxies = new ArrayList<>();
    String admin;
    String joinToken;

    AgentCluster(Path dir) throws Exception {
        this.dir = dir;
        Path config = dir.resolve("agents.yaml");
        Files.writeString(config, CONFIG);
        server = new ServerProcess(dir.resolve("data")).with("--config", config.toString()).start();
        admin = server.adminToken();
        joinToken = cli("agent", "token", "--center", "field", "-o", "json").get("token").asString();
    }

    /** Starts {@code n} agents; through proxies when {@code proxied}. Waits until all are UP. */
    AgentCluster agents(int n, boolean proxied) throws Exception {
        for (int i = 1; i <= n; i++) {
            String url = server.url();
            if (proxied) {
                TcpProxy p = new TcpProxy(server.port);
                proxies.add(p);
                url = p.url();
            }
            agents.add(new AgentProcess(dir, "a" + i, "127.0.0." + (i + 1), 31_000 + 100 * i, url, joinToken, 2).start());
        }
        awaitOrExplain(() -> upAgents() == n, "all " + n + " agents UP");
        return this;
    }

    /** Agents of center {@code field} that are UP. */
    int upAgents() {
        int up = 0;
        for (JsonNode a : api().get("/api/v1/agents?center=field").get("items")) {
            up += "UP".equals(a.get("status").asString()) ? 1 : 0;
        }
        return up;
    }

    AgentProcess agent(String node) {
        return agents.stream().filter(a -> node.equals("field-" + a.name)).findFirst().orElseThrow();
    }

    TcpProxy proxyOf(AgentProcess a) {
        return proxies.get(agents.indexOf(a));
    }

    ApiClient api() {
        return new ApiClient(server.url(), admin);
    }

    String[] auth(String... args) {
        List<String> l = new ArrayList<>(List.of(args));
        l.addAll(List.of("--url", server.url(), "--token", admin));
        return l.toArray(String[]::new);
    }

    /** Runs a CLI command as the admin; it must succeed; its JSON output. */
    JsonNode cli(String... args) {
        Cli.Result r = Cli.run(auth(args));
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", args) + " failed: " + r.err());
        }
        return ApiClient.JSON.readTree(r.out());
    }

    long submit(String yaml) {
        return api().postRaw("/api/v1/jobs", yaml, "application/yaml").get("id").asLong();
    }

    JsonNode job(long id) {
        return api().get("/api/v1/jobs/" + id);
    }

    JsonNode awaitState(long id, String... states) {
        JsonNode[] last = new JsonNode[1];
        awaitOrExplain(() -> {
            last[0] = job(id);
            return List.of(states).contains(last[0].get("state").asString());
        }, "job " + id + " in " + String.join("|", states));
        return last[0];
    }

    List<String> events(long id) {
        List<String> out = new ArrayList<>();
        JsonNode e = api().get("/api/v1/jobs/" + id + "/events");
        for (JsonNode x : e.has("items") ? e.get("items") : e) {
            out.add(x.get("type").asString() + ": " + x.get("message").asString());
        }
        return out;
    }

    /** A one-task job on the agent center that notes "attempt pid" in {@code marks}, then waits for {@code go}. */
    static String waiter(String name, Path marks, Path go, int exitCode) {
        return "name: " + name + "\ntenant: acme\nmaxRuntime: 10m\n"
                + "resources: {accelerator: nvidia-t4, count: 1, cpu: 1, memory: 256Mi}\n"
                + "command: [\"sh\", \"-c\", \"echo $GRID_ATTEMPT $$ >> " + marks + "; echo waiting; "
                + "while [ ! -f " + go + " ]; do sleep 0.1; done; echo finishing; exit " + exitCode + "\"]\n";
    }

    static List<String[]> marks(Path marks) throws IOException {
        List<String[]> out = new ArrayList<>();
        if (Files.exists(marks)) {
            for (String l : Files.readAllLines(marks)) {
                if (!l.isBlank()) {
                    out.add(l.trim().split(" "));
                }
            }
        }
        return out;
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    static void await(BooleanSupplier condition, String what) {
        await(condition, WAIT, what);
    }

    /** Waits like {@link #await(BooleanSupplier, String)}; a timeout shows the agents' and the server's last lines. */
    void awaitOrExplain(BooleanSupplier condition, String what) {
        try {
            await(condition, what);
        } catch (AssertionError e) {
            StringBuilder b = new StringBuilder(e.getMessage());
            try {
                for (AgentProcess a : agents) {
                    b.append("\n--- agent ").append(a.name).append(a.alive() ? "" : " (exited)").append(":\n")
                            .append(tail(a.output(), 15));
                }
                b.append("\n--- server:\n").append(tail(server.log(), 30));
            } catch (IOException io) {
                b.append(io);
            }
            throw new AssertionError(b.toString(), e);
        }
    }

    private static String tail(String s, int lines) {
        List<String> l = s.lines().toList();
        return String.join("\n", l.subList(Math.max(0, l.size() - lines), l.size()));
    }

    static void await(BooleanSupplier condition, Duration within, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + within + " waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    @Override
    public void close() throws Exception {
        for (AgentProcess a : agents) {
            a.close();
        }
        for (TcpProxy p : proxies) {
            p.close();
        }
        server.close();
    }
}
