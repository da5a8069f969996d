package io.computegrid.backend.slurm;

import io.computegrid.model.BackendSpec;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Slurm center's backend settings, validated once: {@code url} (slurmrestd), {@code user} (the Slurm user the
 * token is minted for; jobs run as that user), {@code jwtKeyFile} (the cluster's HS256 key), {@code partition},
 * optional {@code apiVersion} (v0.0.38), {@code pollInterval} (1s), {@code timeout} (10s, per HTTP call),
 * {@code accelerator} (model of untyped {@code gpu} gres, nvidia-a100), {@code tokenLifetime} (1h) and
 * {@code pinNodes} (false: Slurm picks the nodes; true: the job is held to the nodes computegrid placed it on).
 */
public record SlurmSettings(URI url, String user, Path jwtKeyFile, String partition, String apiVersion,
                            Duration pollInterval, Duration timeout, String accelerator, Duration tokenLifetime,
                            boolean pinNodes) {
    private static final Set<String> KNOWN = Set.of("type", "url", "user", "jwtKeyFile", "partition", "apiVersion",
            "pollInterval", "timeout", "accelerator", "tokenLifetime", "pinNodes");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** Validates the spec; throws {@link IllegalArgumentException} with a one-line reason naming the setting. */
    public static SlurmSettings from(String center, BackendSpec spec) {
        String where = "center " + center + ": backend slurm: ";
        for (String k : spec.settings().keySet()) {
            if (!KNOWN.contains(k)) {
                throw new IllegalArgumentException(where + "unknown setting '" + k + "' (known: " + String.join(", ", KNOWN.stream().sorted().toList()) + ")");
            }
        }
        String url = required(spec, "url", where);
        URI uri;
        try {
            uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "url '" + url + "' is not a URL");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(where + "url '" + url + "' must be http://host:port or https://host:port");
        }
        String user = required(spec, "user", where);
        String partition = required(spec, "partition", where);
        for (String[] kv : new String[][] {{"user", user}, {"partition", partition}}) {
            if (!NAME.matcher(kv[1]).matches()) {
                throw new IllegalArgumentException(where + kv[0] + " '" + kv[1] + "' has characters Slurm does not accept");
            }
        }
        Path key = Path.of(required(spec, "jwtKeyFile", where));
        String api = spec.setting("apiVersion", "v0.0.38");
        if (!api.matches("v0\\.0\\.\\d{2}")) {
            throw new IllegalArgumentException(where + "apiVersion '" + api + "' must look like v0.0.38");
        }
        return new SlurmSettings(uri, user, key, partition, api,
                duration(spec, "pollInterval", "1s", where), duration(spec, "timeout", "10s", where),
                spec.setting("accelerator", "nvidia-a100"), duration(spec, "tokenLifetime", "1h", where),
                Boolean.parseBoolean(spec.setting("pinNodes", "false")));
    }

    private static String required(BackendSpec spec, String key, String where) {
        String v = spec.settings().get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(where + "setting '" + key + "' is required");
        }
        return v.trim();
    }

    static Duration duration(BackendSpec spec, String key, String fallback, String where) {
        String v = spec.setting(key, fallback).trim();
        Matcher m = DURATION.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException(where + key + " '" + v + "' must be a duration such as 500ms, 2s or 1m");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
        if (d.toMillis() < 50) {
            throw new IllegalArgumentException(where + key + " '" + v + "' is shorter than 50ms");
        }
        return d;
    }

    String base() {
        return url + "/slurm/" + apiVersion;
    }
}
