package io.computegrid.cli.ha;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One {@code grid server} process of the failover drill, started from this JVM's own class path. */
final class ServerNode {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final String name;
    final int port;
    private final Process process;
    final long startedNanos;

    private ServerNode(String name, int port, Process process, long startedNanos) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.startedNanos = startedNanos;
    }

    static ServerNode start(String name, Path data, Path logDir, List<String> args, Map<String, String> env)
            throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), "io.computegrid.cli.Grid", "server", "--data", data.toString(),
                "--port", Integer.toString(port)));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".out").toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".err").toFile()));
        pb.environment().putAll(env);
        long t = System.nanoTime();
        return new ServerNode(name, port, pb.start(), t);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The /readyz status, or -1 when nothing answers. */
    int readyz() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/readyz")).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Polls /readyz every 50 ms until it answers {@code status}; the time it took, or throws. */
    long awaitReadyz(int status, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " (see its .err file)");
            }
            if (readyz() == status) {
                return System.nanoTime() - t0;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(name + " did not answer /readyz " + status + " within " + timeout);
    }

    /** SIGKILL: nothing of the server runs any more; its tasks (own process groups) live on. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM: a clean step-down. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            kill();
        }
    }
}
