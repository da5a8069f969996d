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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code grid server} as a real OS process (so that it can be killed with SIGKILL). By default with the demo
 * federation and an embedded PostgreSQL in {@code data}; {@link #args} replaces {@code --demo} with others (for
 * example {@code --db-url}). stdout goes to {@code <data>.<name>.out}, stderr to {@code <data>.<name>.err}.
 */
final class ServerProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final Path data;
    final int port;
    private final String name;
    private final List<String> args = new ArrayList<>(List.of("--demo"));
    private final Map<String, String> env = new HashMap<>();
    private Process process;

    ServerProcess(Path data) throws IOException {
        this(data, freePort(), "server");
    }

    ServerProcess(Path data, int port, String name) {
        this.data = data;
        this.port = port;
        this.name = name;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** More arguments after the current ones (e.g. {@code --config FILE} beside {@code --demo}), kept for restarts. */
    ServerProcess with(String... a) {
        args.addAll(List.of(a));
        return this;
    }

    /** Arguments after {@code server --data D --port P} (default {@code --demo}). */
    ServerProcess args(String... a) {
        args.clear();
        args.addAll(List.of(a));
        return this;
    }

    ServerProcess env(String key, String value) {
        env.put(key, value);
        return this;
    }

    /** Starts the process without waiting for it to be ready. */
    ServerProcess launch() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.computegrid.cli.Grid", "server", "--data", data.toString(), "--port", Integer.toString(port)));
        cmd.addAll(args);
        // appended, so the output of every start of this server stays readable after restarts
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.appendTo(out().toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(err().toFile()));
        pb.environment().putAll(env);
        process = pb.start();
        return this;
    }

    ServerProcess start() throws Exception {
        launch();
        awaitReady(Duration.ofSeconds(90));
        return this;
    }

    Path out() {
        return data.resolveSibling(data.getFileName() + "." + name + "-" + port + ".out");
    }

    Path err() {
        return data.resolveSibling(data.getFileName() + "." + name + "-" + port + ".err");
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    String adminToken() throws IOException {
        return Files.readString(data.resolve("admin.token")).trim();
    }

    /** GET on this server: status and body, or -1 when nothing answers. */
    HttpResponse<String> get(String path, String token) throws InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        }
    }

    int readyz() throws InterruptedException {
        HttpResponse<String> r = get("/readyz", null);
        return r == null ? -1 : r.statusCode();
    }

    void awaitReady(Duration timeout) throws Exception {
        awaitReadyz(200, timeout);
    }

    /** Polls /readyz until it answers {@code status} (503 for a standby). */
    void awaitReadyz(int status, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("server exited with " + process.exitValue() + ": " + log());
            }
            if (readyz() == status) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("server /readyz did not answer " + status + " within " + timeout + ": " + log());
    }

    /** Waits for the process to end by itself; its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("server did not exit within " + timeout);
        }
        return process.exitValue();
    }

    String stdout() throws IOException {
        File f = out().toFile();
        return f.exists() ? Files.readString(f.toPath()) : "";
    }

    String stderr() throws IOException {
        File f = err().toFile();
        return f.exists() ? Files.readString(f.toPath()) : "";
    }

    String log() throws IOException {
        return stdout() + stderr();
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
