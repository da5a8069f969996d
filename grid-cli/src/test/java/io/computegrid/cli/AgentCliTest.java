package io.computegrid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * What the agent commands say when something is wrong (one line, non-zero exit), who may call what, and how the
 * agent finds a server: several URLs, a standby that names the leader, a server that is not there yet. Agents here
 * join the second agent center, {@code depot}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentCliTest {
    @TempDir
    static Path dir;
    AgentCluster c;
    String depotToken;
    String member;

    @BeforeAll
    void start() throws Exception {
        c = new AgentCluster(dir);
        depotToken = c.cli("agent", "token", "--center", "depot", "-o", "json").get("token").asString();
        member = Files.readString(c.server.data.resolve("demo-tokens").resolve("acme.token")).trim();
    }

    @AfterAll
    void stop() throws Exception {
        c.close();
    }

    private AgentProcess agent(String name, String server, String token, int port) throws Exception {
        AgentProcess a = new AgentProcess(dir, name, "127.0.0.20", port, server, token, 1).start();
        c.agents.add(a); // stopped with the cluster whatever happens
        return a;
    }

    private static void oneLine(String err, String contains) {
        assertThat(err.trim()).contains(contains).doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void refusedJoinTokensEndTheAgentWithOneLine() throws Exception {
        AgentProcess bogus = agent("bogus", c.server.url(), "cgj_this-is-not-a-join-token-at-all", 32_000);
        assertThat(bogus.awaitExit(Duration.ofSeconds(60))).isEqualTo(3);
        oneLine(bogus.output(), "refused the join token: not a join token of this server");

        String shortLived = c.cli("agent", "token", "--center", "depot", "--ttl", "1s", "-o", "json").get("token")
                .asString();
        Thread.sleep(1_200); // the scenario: the token's second passes
        AgentProcess late = agent("late", c.server.url(), shortLived, 32_100);
        assertThat(late.awaitExit(Duration.ofSeconds(60))).isEqualTo(3);
        oneLine(late.output(), "expired");

        JsonNode revoked = c.cli("agent", "token", "--center", "depot", "-o", "json");
        assertThat(Cli.run(c.auth("agent", "token", "--revoke", revoked.get("id").asString())).exit()).isZero();
        AgentProcess refused = agent("refused", c.server.url(), revoked.get("token").asString(), 32_200);
        assertThat(refused.awaitExit(Duration.ofSeconds(60))).isEqualTo(3);
        oneLine(refused.output(), "revoked");

        AgentProcess user = agent("user", c.server.url(), member, 32_300);
        assertThat(user.awaitExit(Duration.ofSeconds(60))).isEqualTo(3);
        oneLine(user.output(), "not a user token");
        String joined = c.api().get("/api/v1/agents?center=depot").toString();
        for (String name : new String[]{"bogus", "late", "refused", "user"}) {
            assertThat(joined).doesNotContain("\"" + name + "\"");
        }
    }

    @Test
    void agentCommandsFailWithOneLineAndANonZeroExit() {
        record Bad(String[] args, String says) {
        }
        for (Bad b : new Bad[]{
                new Bad(c.auth("agent", "token", "--center", "cloud"), "does not run agents"),
                new Bad(c.auth("agent", "token", "--center", "nowhere"), "unknown center"),
                new Bad(c.auth("agent", "token"), "--center: required"),
                new Bad(c.auth("agent", "token", "--center", "depot", "--ttl", "forever"), "ttl"),
                new Bad(c.auth("agent", "token", "--revoke", "99999"), "no join token"),
                new Bad(c.auth("agent", "remove", "depot-nobody"), "no agent with node depot-nobody"),
                new Bad(c.auth("agent", "remove"), "NODE"),
                new Bad(c.auth("agent", "drain", "depot-nobody", "--resume"), "no agent with node depot-nobody"),
                new Bad(new String[]{"agent", "token", "--center", "depot", "--url", c.server.url(), "--token", member},
                        "operator"),
                new Bad(new String[]{"agents", "--url", c.server.url(), "--token", member}, "operator"),
                new Bad(new String[]{"agent", "--server", c.server.url(), "--name", "x"}, "--accelerator: required"),
                new Bad(new String[]{"agent", "--server", c.server.url(), "--accelerator", "nvidia-t4", "--ports", "80-90"},
                        "--ports"),
                new Bad(new String[]{"agent", "--server", "ftp://x", "--accelerator", "nvidia-t4"}, "--server"),
                new Bad(new String[]{"agent", "--server", c.server.url(), "--accelerator", "nvidia-t4", "--name", "a b"},
                        "--name")}) {
            Cli.Result r = Cli.run(b.args());
            assertThat(r.exit()).as(String.join(" ", b.args())).isNotZero();
            oneLine(r.err(), b.says());
        }
        for (String[] help : new String[][]{{"agent", "--help"}, {"agent", "token", "--help"},
                {"agent", "remove", "--help"}, {"agent", "drain", "--help"}, {"agents", "--help"}}) {
            Cli.Result r = Cli.run(help);
            assertThat(r.exit()).isZero();
            assertThat(r.out()).contains("Usage:");
        }
        JsonNode issued = c.cli("agent", "token", "--center", "depot", "--ttl", "2h", "-o", "json");
        assertThat(issued.get("token").asString()).startsWith("cgj_");
        assertThat(issued.get("center").asString()).isEqualTo("depot");
    }

    @Test
    void credentialsOpenOnlyWhatTheyAreFor() throws Exception {
        AgentProcess a = agent("keyholder", c.server.url(), depotToken, 32_400);
        c.awaitOrExplain(() -> Files.exists(a.work.resolve("agent.json")), "the agent keeping its credential");
        JsonNode id = ApiClient.JSON.readTree(Files.readString(a.work.resolve("agent.json")));
        String credential = id.get("credential").asString();
        assertThat(credential).startsWith("cga_");
        assertThat(Files.getPosixFilePermissions(a.work.resolve("agent.json")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        HttpClient http = HttpClient.newHttpClient();
        for (String path : new String[]{"/api/v1/jobs", "/api/v1/agents", "/api/v1/centers"}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(c.server.url() + path))
                    .header("Authorization", "Bearer " + credential).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("agent credential on " + path).isEqualTo(401);
        }
        for (String token : new String[]{member, c.admin}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(c.server.url() + "/api/v1/agent/status"))
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("user token on an agent endpoint").isEqualTo(403);
        }
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(c.server.url() + "/api/v1/agent/poll"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(a.stop()).isIn(0, 143);
    }

    @Test
    void theAgentWaitsForAServerThatIsNotThereAndFollowsTheLeaderAStandbyNames() throws Exception {
        int nothing;
        try (ServerSocket s = new ServerSocket(0)) {
            nothing = s.getLocalPort();
        }
        AgentProcess waiting = agent("patient", "http://127.0.0.1:" + nothing, depotToken, 32_500);
        waiting.awaitOutput("cannot reach the server");
        assertThat(waiting.alive()).as("it keeps trying").isTrue();
        assertThat(waiting.stop()).isIn(0, 143);

        // a standby answers every call with 503 and names the active server, as a server that lost leadership does
        HttpServer standby = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        standby.createContext("/", ex -> {
            byte[] body = ("{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503,"
                    + "\"detail\":\"standby; the active server is " + c.server.url() + "\",\"leader\":\""
                    + c.server.url() + "\"}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/problem+json");
            ex.sendResponseHeaders(503, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        standby.start();
        try {
            String urls = "http://127.0.0.1:" + nothing + ",http://127.0.0.1:" + standby.getAddress().getPort();
            AgentProcess follower = agent("follower", urls, depotToken, 32_600);
            c.awaitOrExplain(() -> c.api().get("/api/v1/agents?center=depot").toString().contains("\"follower\""),
                    "the agent joined through the leader the standby named");
            follower.awaitOutput("is running as node depot-follower");
            Cli.Result drain = Cli.run(c.auth("agent", "drain", "depot-follower"));
            assertThat(drain.exit()).as(drain.err()).isZero();
            assertThat(drain.out()).contains("agent follower of center depot is draining");
            assertThat(Cli.run(c.auth("agents", "--center", "depot")).out()).contains("UP, draining");
            Cli.Result busy = Cli.run(c.auth("agent", "remove", "depot-follower"));
            assertThat(busy.exit()).isNotZero();
            oneLine(busy.err(), "is UP");
            assertThat(follower.stop()).isIn(0, 143);
            assertThat(follower.output()).contains("stopped; its tasks were stopped");
            assertThat(c.api().get("/api/v1/agents?center=depot").toString())
                    .contains("\"name\":\"follower\",\"center\":\"depot\"").contains("\"LEFT\"");
            // the operator removes the box for good: grid agents no longer lists it
            Cli.Result removed = Cli.run(c.auth("agent", "remove", "depot-follower"));
            assertThat(removed.exit()).as(removed.err()).isZero();
            assertThat(removed.out()).contains("agent follower of center depot removed");
            assertThat(Cli.run(c.auth("agents")).out()).doesNotContain("follower");
        } finally {
            standby.stop(0);
        }
    }
}
