package io.computegrid.server.runtime;

import io.computegrid.backend.Backend;
import io.computegrid.backend.BackendListener;
import io.computegrid.backend.local.LocalBackend;
import io.computegrid.model.Center;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/** One backend per center, created from the center's backend spec. */
public final class BackendRegistry implements AutoCloseable {
    private final Map<String, Backend> byCenter = new ConcurrentHashMap<>();
    private final Map<String, BiFunction<Center, BackendListener, Backend>> types = new ConcurrentHashMap<>();

    /** A backend type that lives in another package (the agent centers' backend), before {@link #create}. */
    public void type(String type, BiFunction<Center, BackendListener, Backend> factory) {
        types.put(type, factory);
    }

    public void create(Center c, BackendListener listener) {
        byCenter.computeIfAbsent(c.name(), n -> switch (c.backend().type()) {
            case "local" -> new LocalBackend(c.name(), listener);
            case "slurm" -> BackendFactories.slurm(c, listener);
            case "kubernetes" -> BackendFactories.kubernetes(c, listener);
            default -> Optional.ofNullable(types.get(c.backend().type())).orElseThrow(() -> new IllegalArgumentException(
                    "center " + c.name() + ": unknown backend type '" + c.backend().type() + "'")).apply(c, listener);
        });
    }

    public Optional<Backend> get(String center) {
        return Optional.ofNullable(byCenter.get(center));
    }

    public Map<String, Backend> all() {
        return Map.copyOf(byCenter);
    }

    @Override
    public void close() {
        for (Backend b : byCenter.values()) {
            try {
                b.close();
            } catch (RuntimeException ignored) {
                // closing is best effort at shutdown
            }
        }
    }
}
