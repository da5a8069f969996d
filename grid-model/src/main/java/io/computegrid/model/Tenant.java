package io.computegrid.model;

import java.util.List;
import java.util.Optional;

/** An organisation that submits work: its fair-share weight, home region and quotas. */
public record Tenant(String name, double weight, String region, List<Quota> quotas) {
    public Tenant {
        Names.requireValid(name, "tenant");
        if (!(weight > 0) || weight > 1_000_000) {
            throw new IllegalArgumentException("tenant " + name + ": weight must be positive");
        }
        region = region == null ? "default" : region;
        quotas = List.copyOf(quotas == null ? List.of() : quotas);
    }

    public static Tenant of(String name, List<Quota> quotas) {
        return new Tenant(name, 1.0, null, quotas);
    }

    public Optional<Quota> quotaFor(String accelerator) {
        return quotas.stream().filter(q -> q.accelerator().equals(accelerator)).findFirst();
    }
}
