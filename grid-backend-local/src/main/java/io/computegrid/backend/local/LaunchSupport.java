package io.computegrid.backend.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small pure helpers of the launch path: environment, executable lookup, ports, durations. */
final class LaunchSupport {
    static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
    /** The only variables a task inherits from the server; everything else (tokens, DB passwords) stays out. */
    static final List<String> INHERITED = List.of("PATH", "HOME", "LANG", "TMPDIR");

    private LaunchSupport() {
    }

    /** A command that cannot run: shell-style exit code (127 not found, 126 not executable) and why. */
    record StartFailure(int exitCode, String message) {
    }

    static Map<String, String> baseEnv(Map<String, String> serverEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String k : INHERITED) {
            String v = serverEnv.get(k);
            if (v != null) {
                env.put(k, v);
            }
        }
        env.putIfAbsent("PATH", DEFAULT_PATH);
        return env;
    }

    /**
     * Checks that {@code cmd} names an executable the way execvp would find it: a name with a slash relative to the
     * working directory, otherwise each PATH entry in turn (an empty entry is the working directory).
     */
    static Optional<StartFailure> checkExecutable(String cmd, String pathVar, Path workDir) {
        if (cmd == null || cmd.isEmpty()) {
            return Optional.of(new StartFailure(127, "empty command"));
        }
        if (cmd.indexOf('\0') >= 0) {
            return Optional.of(new StartFailure(127, "command contains a NUL character"));
        }
        try {
            if (cmd.contains("/")) {
                Path p = workDir.resolve(cmd);
                if (!Files.exists(p)) {
                    return Optional.of(new StartFailure(127, "no such file: " + cmd));
                }
                if (Files.isDirectory(p) || !Files.isExecutable(p)) {
                    return Optional.of(new StartFailure(126, "not executable: " + cmd));
                }
                return Optional.empty();
            }
            boolean foundNotExecutable = false;
            for (String dir : (pathVar == null ? DEFAULT_PATH : pathVar).split(":", -1)) {
                Path p = (dir.isEmpty() ? workDir : workDir.resolve(dir)).resolve(cmd);
                if (Files.isRegularFile(p)) {
                    if (Files.isExecutable(p)) {
                        return Optional.empty();
                    }
                    foundNotExecutable = true;
                }
            }
            return Optional.of(foundNotExecutable
                    ? new StartFailure(126, "not executable: " + cmd)
                    : new StartFailure(127, "command not found in PATH: " + cmd));
        } catch (InvalidPathException e) {
            return Optional.of(new StartFailure(127, "invalid command name: " + cmd));
        }
    }

    /** A currently free TCP port on loopback, for the gang's rendezvous (GRID_MASTER_PORT). */
    static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** "10m", "1h30m", "45s", "500ms": the way a user writes maxRuntime. */
    static String human(Duration d) {
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return d.toMillis() + "ms";
        }
        long s = d.getSeconds();
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        StringBuilder b = new StringBuilder();
        if (h > 0) {
            b.append(h).append('h');
        }
        if (m > 0) {
            b.append(m).append('m');
        }
        if (sec > 0 || b.length() == 0) {
            b.append(sec).append('s');
        }
        return b.toString();
    }
}
