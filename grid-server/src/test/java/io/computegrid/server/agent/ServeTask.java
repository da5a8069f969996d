package io.computegrid.server.agent;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** A serving task for the tests: answers on every interface at GRID_PORT, naming itself, until it is killed. */
public final class ServeTask {
    private ServeTask() {
    }

    static List<String> command() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), ServeTask.class.getName());
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv("GRID_PORT"));
        String me = "replica " + System.getenv("GRID_TASK_INDEX") + " of job " + System.getenv("GRID_JOB_ID") + " on "
                + System.getenv("GRID_NODE") + " at " + System.getenv("GRID_HOST");
        // only on GRID_HOST: reaching it at the agent's advertised address proves the agent passed that address
        HttpServer http = HttpServer.create(new InetSocketAddress(System.getenv("GRID_HOST"), port), 16);
        http.createContext("/", ex -> {
            byte[] body = me.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        http.start();
        System.out.println(me + " listens on " + port);
    }
}
