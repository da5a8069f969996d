package io.computegrid.cli;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code grid server} as a real OS process (so that it can be killed with SIGKILL). */
final class ServerProcess implements AutoCloseable {
    final Path data;
    final int port;
    private Process process;
    private final List<String> extraArgs = new java.util.ArrayList<>();

    ServerProcess(Path data) throws IOException {
        this.data = data;
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
    }

    /** More arguments for {@code grid server} (e.g. {@code --config FILE}), kept for restarts. */
    ServerProcess with(String... args) {
        extraArgs.addAll(List.of(args));
        return this;
    }

    ServerProcess start() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.computegrid.cli.Grid", "server", "--demo", "--data", data.toString(), "--port", Integer.toString(port)));
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                        data.resolveSibling(data.getFileName() + ".log").toFile()))
                .start();
        awaitReady(Duration.ofSeconds(60));
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    String adminToken() throws IOException {
        return Files.readString(data.resolve("admin.token")).trim();
    }

    void awaitReady(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("server exited with " + process.exitValue() + ": " + log());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/readyz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("server not ready within " + timeout + ": " + log());
    }

    String log() throws IOException {
        File f = data.resolveSibling(data.getFileName() + ".log").toFile();
        return f.exists() ? Files.readString(f.toPath()) : "";
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook runs, the embedded PostgreSQL and tasks are left behind. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM: a clean shutdown. */
    int stop() throws InterruptedException {
        process.destroy();
        return process.waitFor();
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
