package io.computegrid.backend.slurm;

import io.computegrid.model.BackendSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts two real Slurm clusters ({@code gta} and {@code gtb}, two centers) once per test JVM with
 * scripts/slurm/start-cluster.sh and stops them at the end. Fails (never skips) when Slurm is not installed.
 */
public final class SlurmClusters implements BeforeAllCallback, AutoCloseable {
    static final String A = "gta";
    static final String B = "gtb";
    private static final Map<String, Map<String, String>> CLUSTERS = new LinkedHashMap<>();
    private static boolean started;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (SlurmClusters.class) {
            if (started) {
                return;
            }
            if (!Files.isExecutable(Path.of("/usr/sbin/slurmctld")) || !Files.isExecutable(Path.of("/usr/sbin/slurmrestd"))) {
                throw new IllegalStateException("Slurm is not installed: run scripts/slurm/install.sh as root first "
                        + "(the Slurm backend tests need a real Slurm; they are never skipped)");
            }
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(SlurmClusters.class.getName(), this);
            for (String name : List.of(A, B)) {
                run(List.of("stop-cluster.sh", name), Map.of(), true);
                String out = run(List.of("start-cluster.sh", name), Map.of("FRESH", "1", "NODES", "4", "GPUS", "8"), false);
                Map<String, String> env = new LinkedHashMap<>();
                for (String line : out.split("\n")) {
                    int eq = line.indexOf('=');
                    if (eq > 0) {
                        env.put(line.substring(0, eq), line.substring(eq + 1));
                    }
                }
                CLUSTERS.put(name, env);
                System.out.println("slurm cluster " + name + " started in " + env.get("SLURM_START_SECONDS") + " s at " + env.get("SLURM_REST_URL"));
            }
            started = true;
        }
    }

    @Override
    public void close() throws Exception {
        for (String name : CLUSTERS.keySet()) {
            run(List.of("stop-cluster.sh", name), Map.of(), true);
        }
    }

    static Map<String, String> cluster(String name) {
        return CLUSTERS.get(name);
    }

    static BackendSpec spec(String name, Map<String, String> overrides) {
        Map<String, String> env = cluster(name);
        Map<String, String> s = new LinkedHashMap<>();
        s.put("url", env.get("SLURM_REST_URL"));
        s.put("user", "root");
        s.put("jwtKeyFile", env.get("SLURM_JWT_KEY"));
        s.put("partition", env.get("SLURM_PARTITION"));
        s.put("pollInterval", "200ms");
        s.put("timeout", "5s");
        s.putAll(overrides);
        return new BackendSpec("slurm", s);
    }

    static Path jobsDir(String name) {
        return Path.of(cluster(name).get("SLURM_JOBS_DIR"));
    }

    /** Runs scontrol against cluster NAME. */
    static String scontrol(String name, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/scontrol"));
        cmd.addAll(List.of(args));
        return exec(cmd, Map.of("SLURM_CONF", cluster(name).get("SLURM_CONF")), false);
    }

    static void slurmctld(String name, String action) throws IOException, InterruptedException {
        run(List.of("slurmctld.sh", name, action), Map.of(), false);
    }

    static Path scripts() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("scripts/slurm/start-cluster.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("scripts/slurm/start-cluster.sh not found above " + Path.of("").toAbsolutePath());
        }
        return p.resolve("scripts/slurm");
    }

    private static String run(List<String> cmd, Map<String, String> env, boolean ignoreFailure) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(cmd);
        full.set(0, scripts().resolve(cmd.get(0)).toString());
        return exec(full, env, ignoreFailure);
    }

    private static String exec(List<String> cmd, Map<String, String> env, boolean ignoreFailure) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " hung");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0 && !ignoreFailure) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + text);
        }
        return text;
    }
}
