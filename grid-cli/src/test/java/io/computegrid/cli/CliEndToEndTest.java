package io.computegrid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The CLI against a real server process: every client command of the contract, and its errors. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliEndToEndTest {
    @TempDir
    static Path dir;
    ServerProcess server;
    String[] auth;

    @BeforeAll
    void start() throws Exception {
        server = new ServerProcess(dir.resolve("data")).start();
        auth = new String[]{"--url", server.url(), "--token", server.adminToken()};
    }

    @AfterAll
    void stop() throws Exception {
        assertThat(server.stop()).as("clean shutdown on SIGTERM").isIn(0, 143);
    }

    String[] cmd(String... args) {
        String[] out = new String[args.length + auth.length];
        System.arraycopy(args, 0, out, 0, args.length);
        System.arraycopy(auth, 0, out, args.length, auth.length);
        return out;
    }

    static Path example(String name) {
        Path p = Path.of("..", "examples", name);
        return Files.exists(p) ? p : Path.of("examples", name);
    }

    @Test
    void helloRunsWithWaitAndEveryReadCommandWorks() {
        Cli.Result r = Cli.run(cmd("submit", "-f", example("hello.yaml").toString(), "--wait"));
        assertThat(r.exit()).as(r.err()).isZero();
        String id = r.out().lines().findFirst().orElseThrow().trim();
        assertThat(id).matches("\\d+");
        assertThat(r.out()).contains("SUCCEEDED");

        Cli.Result job = Cli.run(cmd("job", id, "-o", "json"));
        JsonNode j = JsonMapper.builder().build().readTree(job.out());
        assertThat(j.get("state").asString()).isEqualTo("SUCCEEDED");

        Cli.Result logs = Cli.run(cmd("logs", id, "--task", "1"));
        assertThat(logs.out()).contains("task 1 of 2");
        assertThat(Cli.run(cmd("logs", id)).out()).contains("task 0 of 2").contains("task 1 of 2");
        // a placed job shows the score table of the pools it could use (one here: only cloud has A100s)
        assertThat(Cli.run(cmd("explain", id)).out()).contains("SUCCEEDED").contains("centers considered")
                .containsPattern("cloud/a100 +nvidia-a100 +now");
        JsonNode jobs = JsonMapper.builder().build().readTree(Cli.run(cmd("jobs", "-o", "json", "--state", "SUCCEEDED")).out());
        assertThat(jobs.isArray()).isTrue();
        assertThat(jobs.toString()).contains("\"id\":" + id);
        assertThat(Cli.run(cmd("jobs")).out()).contains("hello").contains("SUCCEEDED");
        JsonNode centers = JsonMapper.builder().build().readTree(Cli.run(cmd("centers", "-o", "json")).out());
        assertThat(centers.toString()).contains("nvidia-a100").contains("ascend-310");
        assertThat(Cli.run(cmd("tenants")).out()).contains("acme").contains("lab");
    }

    @Test
    void submitJsonFollowLogsAndCancel() throws Exception {
        Cli.Result r = Cli.run(cmd("submit", "-f", example("sleep.yaml").toString(), "-o", "json"));
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode s = JsonMapper.builder().build().readTree(r.out());
        assertThat(s.get("state").asString()).isEqualTo("PENDING");
        String id = s.get("id").asString();
        Cli.Result c = Cli.run(cmd("cancel", id));
        assertThat(c.exit()).as(c.err()).isZero();
        long deadline = System.nanoTime() + 30_000_000_000L;
        String state = "";
        while (System.nanoTime() < deadline && !state.equals("CANCELLED")) {
            state = JsonMapper.builder().build().readTree(Cli.run(cmd("job", id, "-o", "json")).out()).get("state").asString();
            Thread.sleep(100);
        }
        assertThat(state).isEqualTo("CANCELLED");
        // --follow ends when the job has ended
        Path f = dir.resolve("echo.yaml");
        Files.writeString(f, "name: follow\ntenant: lab\nresources: {accelerator: ascend-310, count: 1}\n"
                + "command: [\"sh\", \"-c\", \"for i in 1 2 3; do echo line $i; sleep 0.3; done\"]\n");
        String fid = Cli.run(cmd("submit", "-f", f.toString())).out().trim();
        Cli.Result follow = Cli.run(cmd("logs", fid, "--follow"));
        assertThat(follow.exit()).isZero();
        assertThat(follow.out()).contains("line 1").contains("line 3");
    }

    @Test
    void tenantAndTokenAdministration() {
        Cli.Result t = Cli.run(cmd("tenant", "create", "newlab", "--quota", "nvidia-a100=4", "--quota", "ascend-310=2"));
        assertThat(t.exit()).as(t.err()).isZero();
        Cli.Result tok = Cli.run(cmd("token", "create", "--tenant", "newlab", "--role", "member", "-o", "json"));
        assertThat(tok.exit()).as(tok.err()).isZero();
        String token = JsonMapper.builder().build().readTree(tok.out()).get("token").asString();
        Cli.Result mine = Cli.run("tenants", "--url", server.url(), "--token", token, "-o", "json");
        assertThat(mine.out()).contains("newlab").doesNotContain("acme");
        assertThat(Cli.run(cmd("tenant", "create", "newlab")).exit()).isNotZero();
    }

    @Test
    void failuresAreOneLineWithANonZeroExit() throws Exception {
        Cli.Result down = Cli.run("jobs", "--url", "http://127.0.0.1:1", "--token", "x");
        assertThat(down.exit()).isNotZero();
        assertThat(down.err().trim()).contains("cannot reach the server").doesNotContain("\n");
        Cli.Result badToken = Cli.run("jobs", "--url", server.url(), "--token", "cg_wrong_token_value");
        assertThat(badToken.exit()).isNotZero();
        assertThat(badToken.err().trim()).contains("401").doesNotContain("\n");
        Cli.Result missing = Cli.run(cmd("submit", "-f", dir.resolve("nope.yaml").toString()));
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err().trim()).contains("no such file").doesNotContain("\n");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "name: bad\ntenant: acme\nresources: {accelerator: nvidia-a100, count: 1}\ncommand: echo hi\n");
        Cli.Result invalid = Cli.run(cmd("submit", "-f", bad.toString()));
        assertThat(invalid.exit()).isNotZero();
        assertThat(invalid.err().trim()).contains("bad.yaml").contains("command").doesNotContain("\n");
        Cli.Result failing = Cli.run(cmd("submit", "-f", writeFailing().toString(), "--wait"));
        assertThat(failing.exit()).isEqualTo(1);
        assertThat(failing.out()).contains("FAILED");
        assertThat(Cli.run("--help").out()).contains("submit").contains("server").contains("simulate");
        assertThat(Cli.run(cmd("job", "abc")).exit()).isNotZero();
        assertThat(Cli.run("frobnicate").exit()).isNotZero();
    }

    private static Path writeFailing() throws Exception {
        Path p = dir.resolve("fail.yaml");
        Files.writeString(p, "name: fails\ntenant: acme\nresources: {accelerator: nvidia-a100, count: 1}\n"
                + "command: [\"sh\", \"-c\", \"exit 3\"]\n");
        return p;
    }
}
