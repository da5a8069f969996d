package io.computegrid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grid submit} against a server that is down for a while: it retries with its Idempotency-Key until the
 * server answers, and a second submit with the same key gets the same job back, never a second one.
 */
class SubmitRetryTest {
    @TempDir
    Path dir;

    @Test
    void aSubmissionRetriesThroughAnOutageAndItsKeyNeverMakesASecondJob() throws Exception {
        Path data = dir.resolve("data");
        int port = ServerProcess.freePort();
        String token;
        try (ServerProcess first = new ServerProcess(data, port, "first").start()) {
            token = first.adminToken();
        }
        String url = "http://127.0.0.1:" + port;
        String hello = CliEndToEndTest.example("hello.yaml").toString();
        CompletableFuture<Cli.Result> submit = CompletableFuture.supplyAsync(() -> Cli.run("submit", "-f", hello,
                "--url", url, "--token", token, "--idempotency-key", "retry-k1", "--retry-for", "180"));
        Thread.sleep(1500); // the server is down: the submission is retrying
        assertThat(submit).isNotDone();
        try (ServerProcess again = new ServerProcess(data, port, "again").start()) {
            Cli.Result r = submit.get(180, TimeUnit.SECONDS);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).contains("retrying with Idempotency-Key retry-k1");
            String id = r.out().trim();
            assertThat(id).matches("\\d+");

            Cli.Result replay = Cli.run("submit", "-f", hello, "--url", url, "--token", token, "--idempotency-key", "retry-k1");
            assertThat(replay.exit()).as(replay.err()).isZero();
            assertThat(replay.out().trim()).isEqualTo(id);

            Cli.Result other = Cli.run("submit", "-f", CliEndToEndTest.example("sleep.yaml").toString(), "--url", url,
                    "--token", token, "--idempotency-key", "retry-k1");
            assertThat(other.exit()).isNotZero();
            assertThat(other.err().lines().toList()).singleElement().asString().contains("different request")
                    .contains("HTTP 422");
            Cli.Result bad = Cli.run("submit", "-f", hello, "--url", url, "--token", token, "--idempotency-key", "a b");
            assertThat(bad.exit()).isEqualTo(2);
            assertThat(bad.err()).contains("--idempotency-key");
        }
    }
}
