package io.computegrid.metering.replay;

import io.computegrid.config.FederationConfig;
import io.computegrid.metering.MeteringConfig;
import io.computegrid.metering.money.Money;
import io.computegrid.metering.price.PriceBook;
import io.computegrid.metering.price.PricesConfig;
import io.computegrid.metering.price.Pricing;
import io.computegrid.metering.usage.UsageInterval;
import io.computegrid.model.Center;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prices a simulated replay with the production price book and rounding, without a database: the
 * simulator (or {@code grid simulate}) reports each run's intervals and gets cost per tenant and
 * revenue per center and provider (after the platform fee). Vouchers and balances are not
 * simulated. Not thread-safe; one per replay.
 */
public final class ReplayBilling {
    private final FederationConfig cfg;
    private final PriceBook book;
    private final Money money;
    private final BigDecimal fee;
    private final Map<String, BigDecimal> perTenant = new TreeMap<>();
    private final Map<String, BigDecimal> perCenter = new TreeMap<>();
    private final Map<String, BigDecimal> perProvider = new TreeMap<>();
    private BigDecimal fees;
    private long intervals;

    public ReplayBilling(FederationConfig cfg) {
        this.cfg = cfg;
        this.book = PricesConfig.read(cfg);
        this.money = new Money(cfg.currency());
        this.fee = MeteringConfig.read(cfg).platformFee();
        this.fees = money.zero();
    }

    /** What the summary reports. Revenue is net of the platform fee. */
    public record Summary(String currency, BigDecimal total, BigDecimal platformFees, long intervals,
                          Map<String, BigDecimal> costPerTenant, Map<String, BigDecimal> revenuePerCenter,
                          Map<String, BigDecimal> revenuePerProvider) {
    }

    /**
     * Charges one interval of {@code milliCards} (all tasks of a job together) on a pool; returns
     * its cost. Times may be virtual (e.g. epoch plus trace seconds): only differences and the price
     * periods matter.
     */
    public BigDecimal charge(String tenant, String center, String pool, String model, int milliCards, Instant from,
                             Instant to, boolean preemptible) {
        if (!to.isAfter(from)) {
            return money.zero();
        }
        UsageInterval u = new UsageInterval("replay", 0, 0, 0, tenant, center, pool, model, milliCards, 0, 0, from, to,
                preemptible);
        BigDecimal cost = Pricing.price(book, money, u).cost();
        BigDecimal f = money.round(cost.multiply(fee));
        String provider = cfg.center(center).map(Center::provider).orElse(center);
        perTenant.merge(tenant, cost, BigDecimal::add);
        perCenter.merge(center, cost.subtract(f), BigDecimal::add);
        perProvider.merge(provider, cost.subtract(f), BigDecimal::add);
        fees = fees.add(f);
        intervals++;
        return cost;
    }

    public Summary summary() {
        BigDecimal total = perTenant.values().stream().reduce(money.zero(), BigDecimal::add);
        return new Summary(money.currency(), total, fees, intervals, Map.copyOf(perTenant), Map.copyOf(perCenter),
                Map.copyOf(perProvider));
    }
}
