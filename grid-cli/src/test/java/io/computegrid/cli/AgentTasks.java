package io.computegrid.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Programs the agent tests run as tasks (started with this test classpath). */
public final class AgentTasks {
    private AgentTasks() {
    }

    /** The command line that runs {@code mode} as a task. */
    static List<String> command(String mode) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), AgentTasks.class.getName(), mode);
    }

    public static void main(String[] args) throws Exception {
        if (!"rendezvous".equals(args[0])) {
            throw new IllegalArgumentException(args[0]);
        }
        rendezvous();
    }

    /** A real rendezvous: task 0 listens at GRID_MASTER_ADDR:GRID_MASTER_PORT, every other task connects to it. */
    private static void rendezvous() throws Exception {
        String addr = System.getenv("GRID_MASTER_ADDR");
        int port = Integer.parseInt(System.getenv("GRID_MASTER_PORT"));
        int index = Integer.parseInt(System.getenv("GRID_TASK_INDEX"));
        int tasks = Integer.parseInt(System.getenv("GRID_TASKS"));
        System.out.println("task " + index + " of " + tasks + " on " + System.getenv("GRID_NODE") + " meets at " + addr
                + ":" + port);
        if (index == 0) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(addr, port));
                for (int i = 1; i < tasks; i++) {
                    try (Socket c = s.accept(); BufferedReader in = new BufferedReader(new InputStreamReader(
                            c.getInputStream(), StandardCharsets.UTF_8))) {
                        System.out.println("task 0 heard: " + in.readLine());
                    }
                }
            }
            return;
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try (Socket c = new Socket()) {
                c.connect(new InetSocketAddress(addr, port), 1000);
                PrintWriter w = new PrintWriter(c.getOutputStream(), true, StandardCharsets.UTF_8);
                w.println("hello from task " + index + " on " + System.getenv("GRID_NODE"));
                System.out.println("task " + index + " reached the master");
                return;
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
