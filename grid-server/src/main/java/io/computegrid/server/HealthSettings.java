package io.computegrid.server;

import io.computegrid.config.FederationConfig;
import io.computegrid.spec.Fields;
import io.computegrid.spec.Quantities;
import io.computegrid.spec.SpecException;
import java.time.Duration;
import java.util.Set;

/**
 * How remote centers are watched (federation section {@code health}): {@code checkInterval}
 * (default 10s) between checks, {@code downAfter} (default 60s) without an answer before a center
 * is marked down and its jobs are requeued.
 */
record HealthSettings(Duration checkInterval, Duration downAfter) {
    static HealthSettings from(FederationConfig cfg) {
        if (cfg.section("health").isEmpty()) {
            return new HealthSettings(Duration.ofSeconds(10), Duration.ofSeconds(60));
        }
        Fields f = new Fields(cfg.section("health").get(), "health");
        f.rejectUnknown(Set.of("checkInterval", "downAfter"));
        Duration check = f.has("checkInterval") ? Quantities.duration(f.raw("checkInterval"), "health.checkInterval")
                : Duration.ofSeconds(10);
        Duration down = f.has("downAfter") ? Quantities.duration(f.raw("downAfter"), "health.downAfter")
                : Duration.ofSeconds(60);
        if (check.compareTo(down) > 0) {
            throw new SpecException("health.checkInterval", "must not be longer than health.downAfter");
        }
        return new HealthSettings(check, down);
    }
}
