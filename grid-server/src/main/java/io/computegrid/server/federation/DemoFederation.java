package io.computegrid.server.federation;

import java.util.List;
import io.computegrid.config.FederationConfig;
import io.computegrid.config.FederationConfigParser;

/**
 * The {@code --demo} federation: local centers running real processes, so that a newcomer can
 * submit at once. Merged with {@code --config} when both are given (config centers win).
 */
public final class DemoFederation {
    public static final String YAML = """
            centers:
              - name: cloud
                region: cn-east
                tier: cloud
                greenShare: 0.3
                pue: 1.25
                pools:
                  - name: a100
                    accelerator: nvidia-a100
                    nodes: 2
                    acceleratorsPerNode: 8
                    cpu: 64
                    memory: 512Gi
                    pricePerCardHour: 12.00
              - name: hpc
                region: cn-central
                tier: hpc
                greenShare: 0.6
                pue: 1.15
                pools:
                  - name: ascend910b
                    accelerator: ascend-910b
                    nodes: 2
                    acceleratorsPerNode: 8
                    cpu: 192
                    memory: 1Ti
                    pricePerCardHour: 8.00
              - name: edge
                region: cn-south
                tier: edge
                greenShare: 0.8
                pue: 1.4
                pools:
                  - name: ascend310
                    accelerator: ascend-310
                    nodes: 2
                    acceleratorsPerNode: 4
                    cpu: 16
                    memory: 64Gi
                    pricePerCardHour: 2.00
              - name: field                  # edge boxes join it with `grid agent` (docs/agent.md)
                region: cn-south
                tier: edge
                backend: {type: agent}
            prices:
              entries:
                - {center: field, model: nvidia-t4, onDemand: 3.60}
            tenants:
              - name: acme
                region: cn-east
                quota: {nvidia-a100: 8, ascend-910b: 8, ascend-310: 4, nvidia-t4: 4}
              - name: lab
                region: cn-south
                quota: {nvidia-a100: 8, ascend-910b: 8, ascend-310: 4, nvidia-t4: 4}
            """;

    private DemoFederation() {
    }

    public static FederationConfig config() {
        return FederationConfigParser.parse(YAML, "demo federation");
    }

    /**
     * Money for the demo tenants, so that they can run at once: a prepaid balance and a compute
     * voucher each. Idempotency keys make this safe to repeat at every start.
     */
    public static void fund(io.computegrid.metering.Metering m) {
        java.time.Instant now = java.time.Instant.now();
        m.topUp("acme", new java.math.BigDecimal("10000"), null, "demo-topup-acme");
        m.topUp("lab", new java.math.BigDecimal("2000"), null, "demo-topup-lab");
        m.issueVoucher(new io.computegrid.metering.voucher.VoucherRequest("lab", "city-compute-programme",
                new java.math.BigDecimal("5000"), new java.math.BigDecimal("0.5"), now,
                now.plus(java.time.Duration.ofDays(365)), List.of(), List.of(), "demo-voucher-lab"));
        m.issueVoucher(new io.computegrid.metering.voucher.VoucherRequest("acme", "city-compute-programme",
                new java.math.BigDecimal("1000"), java.math.BigDecimal.ONE, now,
                now.plus(java.time.Duration.ofDays(365)), List.of("edge"), List.of(), "demo-voucher-acme"));
    }

    /** The demo's centers and tenants added to {@code cfg} where it does not declare the same names. */
    public static FederationConfig mergeInto(FederationConfig cfg) {
        FederationConfig demo = config();
        var centers = new java.util.ArrayList<>(cfg.centers());
        for (var c : demo.centers()) {
            if (cfg.center(c.name()).isEmpty()) {
                centers.add(c);
            }
        }
        var tenants = new java.util.ArrayList<>(cfg.tenants());
        for (var t : demo.tenants()) {
            if (tenants.stream().noneMatch(x -> x.name().equals(t.name()))) {
                tenants.add(t);
            }
        }
        return new FederationConfig(cfg.catalog(), centers, tenants, cfg.priorityClasses(), cfg.currency(),
                cfg.sections());
    }
}
