package io.computegrid.model;

import java.util.Map;
import java.util.TreeMap;

/** How a center runs work: {@code local}, {@code slurm} or {@code kubernetes}, with its settings. */
public record BackendSpec(String type, Map<String, String> settings) {
    public static final BackendSpec LOCAL = new BackendSpec("local", Map.of());

    public BackendSpec {
        if (type == null || type.isBlank()) {
            type = "local";
        }
        settings = Map.copyOf(new TreeMap<>(settings == null ? Map.of() : settings));
    }

    public String setting(String key, String fallback) {
        return settings.getOrDefault(key, fallback);
    }
}
