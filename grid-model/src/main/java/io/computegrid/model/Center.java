package io.computegrid.model;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A compute center: a site with its own backend, region and tier, holding pools of nodes.
 * {@code greenShare} (0..1) and {@code pue} (>= 1) describe its energy; {@code provider} is the
 * account that earns its revenue.
 */
public record Center(String name, String region, Tier tier, BackendSpec backend, List<Pool> pools,
                     double greenShare, double pue, String provider) {
    public Center {
        Names.requireValid(name, "center");
        region = region == null ? "default" : region;
        tier = tier == null ? Tier.CLOUD : tier;
        backend = backend == null ? BackendSpec.LOCAL : backend;
        pools = List.copyOf(Objects.requireNonNull(pools, "pools"));
        if (greenShare < 0 || greenShare > 1) {
            throw new IllegalArgumentException("center " + name + ": greenShare must be between 0 and 1");
        }
        if (pue < 1 || pue > 5) {
            throw new IllegalArgumentException("center " + name + ": pue must be between 1 and 5");
        }
        provider = provider == null ? name : provider;
        Set<String> seen = new HashSet<>();
        for (Pool p : pools) {
            if (!seen.add(p.name())) {
                throw new IllegalArgumentException("center " + name + ": duplicate pool '" + p.name() + "'");
            }
        }
    }

    public static Center local(String name, String region, Tier tier, List<Pool> pools) {
        return new Center(name, region, tier, BackendSpec.LOCAL, pools, 0.0, 1.3, null);
    }
}
