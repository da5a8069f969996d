package io.computegrid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.cli.serving.ModelServer;
import io.computegrid.cli.serving.ScratchServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** grid serve, grid services, grid load and grid model-server against a real server and a real replica. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServingCliTest {
    static final JsonMapper JSON = JsonMapper.builder().build();
    @TempDir
    static Path dir;
    ScratchServer s;
    String[] acme;
    String[] lab;

    @BeforeAll
    void start() throws Exception {
        s = new ScratchServer(dir.resolve("server"), """
                centers:
                  - name: c
                    pools: [{name: a100, accelerator: nvidia-a100, nodes: 1, acceleratorsPerNode: 4, pricePerCardHour: 0}]
                tenants:
                  - {name: acme, quota: {nvidia-a100: 2}}
                  - {name: lab, quota: {nvidia-a100: 2}}
                """);
        acme = new String[]{"--url", s.url(), "--token", s.memberToken("acme")};
        lab = new String[]{"--url", s.url(), "--token", s.memberToken("lab")};
    }

    @AfterAll
    void stop() {
        if (s != null) {
            s.close();
        }
    }

    static String[] with(String[] auth, String... args) {
        String[] out = new String[args.length + auth.length];
        System.arraycopy(args, 0, out, 0, args.length);
        System.arraycopy(auth, 0, out, args.length, auth.length);
        return out;
    }

    Path file(String name, String yaml) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    static final String SPEC = """
            kind: service
            name: chat
            resources: {accelerator: nvidia-a100, count: 1}
            command: [sleep, "300"]
            replicas: {min: 0, max: 2, initial: 0}
            """;

    long services() {
        return s.server().database().jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM services")
                .mapTo(Long.class).one());
    }

    @Test
    void serveCreatesThenUpdatesAndServicesListsShowsAndDeletes() throws Exception {
        Cli.Result created = Cli.run(with(acme, "serve", "-f", file("chat.yaml", SPEC).toString(), "-o", "json"));
        assertThat(created.exit()).as(created.err()).isZero();
        JsonNode v = JSON.readTree(created.out());
        long id = v.get("id").asLong();
        assertThat(v.get("maxReplicas").asInt()).isEqualTo(2);
        Cli.Result updated = Cli.run(with(acme, "serve", "-f", file("chat2.yaml", SPEC.replace("max: 2", "max: 3"))
                .toString()));
        assertThat(updated.exit()).as(updated.err()).isZero();
        assertThat(updated.out()).contains("service " + id + " chat updated", "/serve/acme/chat/");
        JsonNode list = JSON.readTree(Cli.run(with(acme, "services", "-o", "json")).out());
        assertThat(list).singleElement().satisfies(x -> assertThat(x.get("maxReplicas").asInt()).isEqualTo(3));
        assertThat(Cli.run(with(acme, "services")).out()).contains("chat", "0/0", "0-3", "stable");
        Cli.Result show = Cli.run(with(acme, "services", "show", "chat"));
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains("service " + id + " chat", "autoscaler:", "usage:", "UPDATED");
        // a changed command is refused in one line, and nothing changes
        Cli.Result refused = Cli.run(with(acme, "serve", "-f", file("chat3.yaml", SPEC.replace("sleep", "echo"))
                .toString()));
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err().strip().lines()).hasSize(1);
        assertThat(refused.err()).contains("command: cannot change on a live service", "HTTP 409");
        // another tenant sees nothing of it
        assertThat(JSON.readTree(Cli.run(with(lab, "services", "-o", "json")).out())).isEmpty();
        Cli.Result foreign = Cli.run(with(lab, "services", "show", Long.toString(id)));
        assertThat(foreign.exit()).isNotZero();
        assertThat(foreign.err()).contains("no service " + id);
        assertThat(Cli.run(with(lab, "services", "delete", "chat")).exit()).isNotZero();
        Cli.Result deleted = Cli.run(with(acme, "services", "delete", "chat"));
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("deleted");
        assertThat(JSON.readTree(Cli.run(with(acme, "services", "--deleted", "-o", "json")).out())).hasSize(1);
    }

    @Test
    void badSpecsFailInOneLineAndWriteNothing() throws Exception {
        long before = services();
        for (String bad : new String[]{SPEC + "gpus: 1\n", SPEC.replace("max: 2", "max: 0"), "name: [x\n",
                SPEC.replace("count: 1", "count: 9"), SPEC + "priority: urgent\n"}) {
            Cli.Result r = Cli.run(with(acme, "serve", "-f", file("bad.yaml", bad).toString()));
            assertThat(r.exit()).as(bad).isNotZero();
            assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        }
        assertThat(Cli.run(with(acme, "serve", "-f", dir.resolve("missing.yaml").toString())).err())
                .contains("no such file");
        assertThat(services()).isEqualTo(before);
    }

    @Test
    void loadMeasuresALoopbackReplicaAndRefusesOtherHosts() throws Exception {
        try (ModelServer m = new ModelServer(new ModelServer.Options("127.0.0.1", 0, Duration.ofMillis(2),
                Duration.ZERO, Duration.ZERO, "t"))) {
            Cli.Result r = Cli.run("load", "--url", "http://127.0.0.1:" + m.port() + "/v1/completions", "--concurrency",
                    "4", "--duration", "1s", "--body", "{\"prompt\": \"x\"}", "-o", "json");
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode j = JSON.readTree(r.out());
            assertThat(j.get("requests").asLong()).isPositive().isEqualTo(m.served());
            assertThat(j.get("errors").asLong()).isZero();
            assertThat(j.get("p99Millis").asDouble()).isGreaterThanOrEqualTo(j.get("p50Millis").asDouble());
            assertThat(r.err()).contains("load: ");
            Cli.Result open = Cli.run("load", "--url", "http://127.0.0.1:" + m.port() + "/v1/completions",
                    "--concurrency", "2", "--rate", "50", "--duration", "1s", "--max-requests", "20", "-o", "json");
            assertThat(JSON.readTree(open.out()).get("requests").asLong()).isBetween(1L, 20L);
        }
        Cli.Result remote = Cli.run("load", "--url", "http://10.1.2.3/", "--concurrency", "1", "--duration", "1s");
        assertThat(remote.exit()).isEqualTo(2);
        assertThat(remote.err()).contains("not a loopback address");
        assertThat(Cli.run("load", "--url", "http://127.0.0.1:1/", "--concurrency", "0", "--duration", "1s").exit())
                .isEqualTo(2);
        assertThat(Cli.run("load", "--url", "http://127.0.0.1:1/", "--concurrency", "1", "--duration", "2h").exit())
                .isEqualTo(2);
        assertThat(Cli.run("model-server", "--help").out()).contains("GRID_PORT");
        assertThat(Cli.run("model-server", "--latency", "soon").exit()).isEqualTo(2);
    }
}
