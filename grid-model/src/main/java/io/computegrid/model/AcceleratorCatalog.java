package io.computegrid.model;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The known accelerator models. Ships with rated FP16 dense figures for common models; a
 * configuration may add models or override figures. Immutable once built.
 */
public final class AcceleratorCatalog {
    private final Map<String, Accelerator> byModel;

    private AcceleratorCatalog(Map<String, Accelerator> byModel) {
        this.byModel = Collections.unmodifiableMap(new LinkedHashMap<>(byModel));
    }

    /** Vendor datasheet FP16 dense (no sparsity) TFLOPS; see docs/decisions/normalised-compute.md. */
    public static AcceleratorCatalog defaults() {
        Map<String, Accelerator> m = new LinkedHashMap<>();
        put(m, "nvidia-h100", 989);
        put(m, "nvidia-a100", 312);
        put(m, "nvidia-a800", 312);
        put(m, "nvidia-h800", 989);
        put(m, "nvidia-l40s", 362);
        put(m, "nvidia-v100", 125);
        put(m, "nvidia-a10", 125);
        put(m, "nvidia-t4", 65);
        put(m, "nvidia-p100", 19);
        put(m, "ascend-910b", 320);
        put(m, "ascend-910", 256);
        put(m, "ascend-310", 11);
        put(m, "hygon-dcu-z100", 24);
        put(m, "cambricon-mlu370", 96);
        return new AcceleratorCatalog(m);
    }

    private static void put(Map<String, Accelerator> m, String model, double tflops) {
        m.put(model, new Accelerator(model, null, tflops, null));
    }

    /** A copy of this catalog with the given models added or replaced. */
    public AcceleratorCatalog with(Collection<Accelerator> extra) {
        Map<String, Accelerator> m = new LinkedHashMap<>(byModel);
        for (Accelerator a : extra) {
            m.put(a.model(), a);
        }
        return new AcceleratorCatalog(m);
    }

    public Optional<Accelerator> find(String model) {
        return Optional.ofNullable(byModel.get(model));
    }

    public Accelerator get(String model) {
        Accelerator a = byModel.get(model);
        if (a == null) {
            throw new IllegalArgumentException("unknown accelerator model '" + model + "'; known: " + byModel.keySet());
        }
        return a;
    }

    public boolean contains(String model) {
        return byModel.containsKey(model);
    }

    public Collection<Accelerator> all() {
        return byModel.values();
    }
}
