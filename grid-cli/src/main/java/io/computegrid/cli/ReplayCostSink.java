package io.computegrid.cli;

import io.computegrid.config.FederationConfig;
import io.computegrid.metering.replay.ReplayBilling;
import io.computegrid.sim.UsageSink;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prices a replay with the production price book (grid-metering) as the simulator reports each
 * stretch a job held cards: the summary gains cost per tenant and revenue per center and provider.
 * Lives here because the simulator must not depend on the economic layer.
 */
final class ReplayCostSink implements UsageSink {
    private final ReplayBilling billing;

    ReplayCostSink(FederationConfig federation) {
        this.billing = new ReplayBilling(federation);
    }

    @Override
    public void segment(Segment s) {
        if (s.milliCards() <= 0 || s.center() == null) {
            return;
        }
        billing.charge(s.tenant(), s.center(), s.pool(), s.accelerator(), (int) Math.min(Integer.MAX_VALUE, s.milliCards()),
                Instant.ofEpochMilli(s.startMillis()), Instant.ofEpochMilli(s.endMillis()), false);
    }

    @Override
    public Map<String, Object> summary() {
        ReplayBilling.Summary b = billing.summary();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("currency", b.currency());
        m.put("totalCost", b.total());
        m.put("platformFees", b.platformFees());
        m.put("costPerTenant", b.costPerTenant());
        m.put("revenuePerCenter", b.revenuePerCenter());
        m.put("revenuePerProvider", b.revenuePerProvider());
        return Map.of("billing", m);
    }
}
