package io.computegrid.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the agent reaches a server among several URLs, against real HTTP servers on loopback: one that is down, a
 * standby that answers 503 and names the active server (as a server that lost leadership does), the active one.
 */
class ServerLinkTest {
    final List<HttpServer> servers = new ArrayList<>();
    final List<String> said = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    private URI server(int status, String body, AtomicInteger calls) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", ex -> {
            calls.incrementAndGet();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        });
        s.start();
        servers.add(s);
        return URI.create("http://127.0.0.1:" + s.getAddress().getPort());
    }

    private static URI nothingListening() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
    }

    @Test
    void aCallPassesADeadServerAndAStandbyAndReachesTheLeaderTheStandbyNames() throws Exception {
        AtomicInteger leaderCalls = new AtomicInteger();
        AtomicInteger standbyCalls = new AtomicInteger();
        URI leader = server(200, "{\"answer\": 42}", leaderCalls);
        URI standby = server(503, "{\"status\": \"standby\", \"leader\": \"" + leader + "\"}", standbyCalls);
        // the leader is not even in the list: the standby's word is enough
        ServerLink link = new ServerLink(List.of(nothingListening(), standby), said::add);
        Map<?, ?> r = link.post("/api/v1/agent/status", Map.of(), Map.class, Duration.ofSeconds(2));
        assertThat(r.get("answer")).isEqualTo(42);
        assertThat(link.server()).isEqualTo(leader);
        assertThat(standbyCalls.get()).isEqualTo(1);
        // it stays with the leader
        link.post("/api/v1/agent/status", Map.of(), Map.class, Duration.ofSeconds(2));
        assertThat(standbyCalls.get()).isEqualTo(1);
        assertThat(leaderCalls.get()).isEqualTo(2);
        assertThat(said).isEmpty();
    }

    @Test
    void noServerAnsweringIsUnreachableAndSaidOnceAndARefusalIsTheServersOneLine() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        URI standby = server(503, "{\"title\": \"Service Unavailable\", \"detail\": \"starting\"}", calls);
        ServerLink link = new ServerLink(List.of(nothingListening(), standby), said::add);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> link.post("/x", Map.of(), Map.class, Duration.ofSeconds(2)))
                    .isInstanceOf(ServerLink.Unreachable.class).hasMessageContaining("starting");
        }
        assertThat(said).hasSize(1);
        assertThat(said.get(0)).contains("cannot reach the server").contains("tasks keep running");

        URI refusing = server(401, "{\"title\": \"Unauthorized\", \"detail\": \"the join token has expired\"}",
                new AtomicInteger());
        ServerLink l2 = new ServerLink(List.of(refusing), said::add);
        assertThatThrownBy(() -> l2.post("/x", Map.of(), Map.class, Duration.ofSeconds(2)))
                .isInstanceOf(ServerLink.Refused.class).hasMessage("the join token has expired")
                .matches(e -> ((ServerLink.Refused) e).status == 401);
    }
}
