package io.computegrid.metering.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.config.FederationConfigParser;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayBillingTest {
    @Test
    void costPerTenantAndRevenuePerCenterAfterFees() {
        var cfg = FederationConfigParser.parse("""
                centers:
                  - name: changsha
                    provider: telecom
                    pools: [{name: a100, accelerator: nvidia-a100, nodes: 2, pricePerCardHour: 36}]
                  - name: edge
                    pools: [{name: e, accelerator: ascend-310, nodes: 2, pricePerCardHour: 3.6}]
                metering: {platformFee: 0.1}
                """, "fed");
        ReplayBilling b = new ReplayBilling(cfg);
        Instant t0 = Instant.EPOCH;
        assertThat(b.charge("lab", "changsha", "a100", "nvidia-a100", 8000, t0, t0.plusSeconds(3600), false))
                .isEqualByComparingTo("288.00");
        b.charge("lab", "edge", "e", "ascend-310", 1000, t0, t0.plusSeconds(1800), true); // 1.8 x 0.7 = 1.26
        b.charge("acme", "changsha", "a100", "nvidia-a100", 1000, t0, t0, false); // empty: nothing
        var s = b.summary();
        assertThat(s.currency()).isEqualTo("CNY");
        assertThat(s.total()).isEqualByComparingTo("289.26");
        assertThat(s.costPerTenant()).containsOnlyKeys("lab");
        assertThat(s.platformFees()).isEqualByComparingTo("28.93"); // 28.80 + 0.126 -> 0.13
        assertThat(s.revenuePerCenter().get("changsha")).isEqualByComparingTo("259.20");
        assertThat(s.revenuePerProvider().get("telecom")).isEqualByComparingTo("259.20");
        assertThat(s.total()).isEqualByComparingTo(s.platformFees().add(s.revenuePerCenter().values().stream()
                .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add)));
    }
}
