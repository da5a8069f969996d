package io.computegrid.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code grid agent} as a real OS process of its own, with its stdout and stderr in a file. */
final class AgentProcess implements AutoCloseable {
    final String name;
    final Path work;
    final Path log;
    final String address;
    final int portFrom;
    final int portTo;
    private final List<String> args;
    private Process process;

    /** An agent offering {@code cards} nvidia-t4 cards, reached at {@code address}, with ports of its own. */
    AgentProcess(Path dir, String name, String address, int portFrom, String server, String joinToken, int cards) {
        this.name = name;
        this.work = dir.resolve(name + "-work");
        this.log = dir.resolve(name + ".log");
        this.address = address;
        this.portFrom = portFrom;
        this.portTo = portFrom + 49;
        this.args = new ArrayList<>(List.of("agent", "--server", server, "--name", name, "--accelerator", "nvidia-t4",
                "--cards", Integer.toString(cards), "--cpu", "4", "--memory", "8Gi", "--work", work.toString(),
                "--advertise-address", address, "--ports", portFrom + "-" + portTo, "--kill-grace", "1s"));
        if (joinToken != null) {
            args.addAll(List.of("--join-token", joinToken));
        }
    }

    AgentProcess start() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "io.computegrid.cli.Grid"));
        cmd.addAll(args);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return this;
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Waits until the agent has said {@code text} (stdout or stderr). */
    void awaitOutput(String text) {
        AgentCluster.await(() -> {
            try {
                return output().contains(text);
            } catch (IOException e) {
                return false;
            }
        }, "agent " + name + " saying '" + text + "'");
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** Waits for the process to end by itself; its exit code. */
    int awaitExit(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("agent " + name + " still runs after " + within);
        }
        return process.exitValue();
    }

    /** SIGTERM: the agent stops its tasks and tells the server. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
