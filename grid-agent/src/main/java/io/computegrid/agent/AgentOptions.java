package io.computegrid.agent;

import io.computegrid.backend.local.LocalBackendOptions.PortRange;
import io.computegrid.model.Names;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@code grid agent} runs, validated once: the servers it dials (several: it follows the active one), the join
 * token (needed the first time, or when its credential is gone), its node name and the resources it offers, where
 * it keeps task files and its credential, the address the server and gateway reach its tasks at, and the ports its
 * gangs meet on and its serving tasks listen on.
 */
public record AgentOptions(List<URI> servers, String joinToken, String name, String accelerator, int cards,
                           int cpuMilli, long memoryMiB, Path workDir, String advertiseAddress, PortRange ports,
                           Duration killGrace) {
    public AgentOptions {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("--server: at least one URL such as http://grid.example:8080");
        }
        for (URI u : servers) {
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new IllegalArgumentException("--server: '" + u + "' is not an http:// or https:// URL");
            }
        }
        if (joinToken != null && joinToken.isBlank()) {
            joinToken = null;
        }
        if (!Names.isValid(name)) {
            throw new IllegalArgumentException("--name: '" + name + "' is not a node name (1-63 letters, digits, "
                    + "'.', '_' or '-', starting with a letter or digit)");
        }
        if (accelerator == null || !Names.isValid(accelerator)) {
            throw new IllegalArgumentException("--accelerator: a model name such as nvidia-t4 or ascend-310 is required");
        }
        if (cards < 0 || cards > 64) {
            throw new IllegalArgumentException("--cards: must be between 0 and 64");
        }
        if (cpuMilli < 1) {
            throw new IllegalArgumentException("--cpu: must be more than 0");
        }
        if (memoryMiB < 1) {
            throw new IllegalArgumentException("--memory: must be more than 0");
        }
        Objects.requireNonNull(workDir, "workDir");
        if (advertiseAddress == null || !advertiseAddress.matches("[A-Za-z0-9.:\\[\\]-]{1,253}")) {
            throw new IllegalArgumentException("--advertise-address: a host name or IP address the server can reach");
        }
        Objects.requireNonNull(ports, "ports");
        Objects.requireNonNull(killGrace, "killGrace");
    }

    /** {@code LOW-HIGH}, both included, within 1024-65535. */
    public static PortRange portRange(String s) {
        String[] p = s == null ? new String[0] : s.trim().split("-");
        try {
            if (p.length == 2) {
                PortRange r = new PortRange(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
                if (r.from() >= 1024) {
                    return r;
                }
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw new IllegalArgumentException("--ports: '" + s + "' is not a range LOW-HIGH within 1024-65535");
    }

    /** Comma-separated URLs. */
    public static List<URI> servers(String s) {
        if (s == null || s.isBlank()) {
            return List.of();
        }
        List<URI> out = new java.util.ArrayList<>();
        for (String part : s.split(",")) {
            String u = part.trim();
            if (u.isEmpty()) {
                continue;
            }
            try {
                out.add(URI.create(u.endsWith("/") ? u.substring(0, u.length() - 1) : u));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--server: '" + u + "' is not a URL");
            }
        }
        return out;
    }
}
