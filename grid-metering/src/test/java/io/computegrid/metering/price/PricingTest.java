package io.computegrid.metering.price;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.computegrid.config.FederationConfigParser;
import io.computegrid.metering.MeteringException;
import io.computegrid.metering.money.Money;
import io.computegrid.metering.usage.UsageInterval;
import io.computegrid.spec.SpecException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class PricingTest {
    static final Money CNY = new Money("CNY");
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    static final String FED = """
            centers:
              - name: changsha
                pools:
                  - {name: a100, accelerator: nvidia-a100, nodes: 2, pricePerCardHour: 10}
                  - {name: v100, accelerator: nvidia-v100, nodes: 2, pricePerCardHour: 4}
              - name: edge
                pools:
                  - {name: e, accelerator: ascend-310, nodes: 2}
            """;

    static UsageInterval interval(String pool, String model, int milliCards, Instant from, Instant to, boolean pre) {
        return new UsageInterval("k", 1, 0, 0, "acme", "changsha", pool, model, milliCards, 0, 0, from, to, pre);
    }

    static PriceEntry entry(String center, String pool, String model, String price, Instant from, Instant to) {
        return new PriceEntry(0, center, pool, model, new BigDecimal(price), null, null, null, from, to,
                PriceEntry.Source.API);
    }

    @Test
    void listPriceAppliesWhenNoEntryMatchesAndIsRoundedHalfEven() {
        PriceBook book = PricesConfig.read(FederationConfigParser.parse(FED, "fed"));
        // one card for one hour at 10/h
        var p = Pricing.price(book, CNY, interval("a100", "nvidia-a100", 1000, T0, T0.plusSeconds(3600), false));
        assertThat(p.cost()).isEqualByComparingTo("10.00");
        assertThat(p.basis()).contains("list price");
        // 0.5 card, 9 s at 10/h = 0.0125 -> half-even to 0.01 (not 0.02)
        var half = Pricing.price(book, CNY, interval("a100", "nvidia-a100", 500, T0, T0.plusSeconds(9), false));
        assertThat(half.cost()).isEqualByComparingTo("0.01");
        // 27 s: 0.0375 -> 0.04 (half-even rounds to the even neighbour 4)
        var up = Pricing.price(book, CNY, interval("a100", "nvidia-a100", 500, T0, T0.plusSeconds(27), false));
        assertThat(up.cost()).isEqualByComparingTo("0.04");
        // preemptible: default 30% off
        var pre = Pricing.price(book, CNY, interval("a100", "nvidia-a100", 1000, T0, T0.plusSeconds(3600), true));
        assertThat(pre.cost()).isEqualByComparingTo("7.00");
    }

    @Test
    void priceChangeAppliesOnlyFromItsInstant() {
        Instant change = T0.plusSeconds(1800);
        PriceBook book = new PriceBook(List.of(entry("changsha", "a100", null, "20", change, null)),
                FederationConfigParser.parse(FED, "fed").centers(), BigDecimal.ZERO);
        // first half hour at list price 10, second at 20: 5 + 10
        var p = Pricing.price(book, CNY, interval("a100", "nvidia-a100", 1000, T0, T0.plusSeconds(3600), false));
        assertThat(p.cost()).isEqualByComparingTo("15.00");
        assertThat(p.pieces()).isEqualTo(2);
        assertThat(p.unitPrice()).isEqualByComparingTo("10");
        var before = Pricing.price(book, CNY, interval("a100", "nvidia-a100", 1000, T0, change, false));
        assertThat(before.cost()).isEqualByComparingTo("5.00");
    }

    @Test
    void mostSpecificEntryWinsAndApiBeatsConfig() {
        var centers = FederationConfigParser.parse(FED, "fed").centers();
        PriceEntry anyModel = entry(null, null, "nvidia-a100", "7", null, null);
        PriceEntry center = entry("changsha", null, null, "8", null, null);
        PriceEntry pool = entry("changsha", "a100", null, "9", null, null);
        PriceEntry cfgPool = new PriceEntry(0, "changsha", "a100", null, new BigDecimal("99"), null, null, null, null,
                null, PriceEntry.Source.CONFIG);
        PriceBook book = new PriceBook(List.of(anyModel, center, pool, cfgPool), centers, BigDecimal.ZERO);
        assertThat(book.rate("changsha", "a100", "nvidia-a100", T0, false).cardHour()).isEqualByComparingTo("9");
        assertThat(book.rate("changsha", "v100", "nvidia-v100", T0, false).cardHour()).isEqualByComparingTo("8");
        assertThat(book.rate("other", "x", "nvidia-a100", T0, false).cardHour()).isEqualByComparingTo("7");
        assertThat(book.rate("other", "x", "nvidia-t4", T0, false).cardHour()).isEqualByComparingTo("0");
    }

    @Test
    void overlappingPeriodsAndNegativePricesAreRefused() {
        var centers = FederationConfigParser.parse(FED, "fed").centers();
        assertThatThrownBy(() -> new PriceBook(List.of(entry("changsha", "a100", null, "1", T0, T0.plusSeconds(100)),
                entry("changsha", "a100", null, "2", T0.plusSeconds(50), null)), centers, BigDecimal.ZERO))
                .isInstanceOf(MeteringException.class).hasMessageContaining("overlap");
        // adjacent periods are fine
        new PriceBook(List.of(entry("changsha", "a100", null, "1", T0, T0.plusSeconds(100)),
                entry("changsha", "a100", null, "2", T0.plusSeconds(100), null)), centers, BigDecimal.ZERO);
        assertThatThrownBy(() -> entry("changsha", "a100", null, "-1", null, null))
                .hasMessageContaining("must not be negative");
    }

    @Test
    void pricesSectionErrorsNameTheField() {
        assertThatThrownBy(() -> PricesConfig.read(FederationConfigParser.parse(FED
                + "prices:\n  entries:\n    - {center: changsha, onDemand: -3}\n", "fed")))
                .isInstanceOf(SpecException.class).hasMessageContaining("prices.entries[0].onDemand")
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> PricesConfig.read(FederationConfigParser.parse(FED
                + "prices:\n  entries:\n    - {center: nowhere, onDemand: 3}\n", "fed")))
                .hasMessageContaining("prices.entries[0].center").hasMessageContaining("unknown center");
        assertThatThrownBy(() -> PricesConfig.read(FederationConfigParser.parse(FED
                + "prices:\n  entries:\n    - {center: changsha, pool: a100, onDemand: 3, from: 2026-01-01}\n"
                + "    - {center: changsha, pool: a100, onDemand: 4, from: 2025-06-01, to: 2026-02-01}\n", "fed")))
                .hasMessageContaining("overlap");
        assertThatThrownBy(() -> PricesConfig.read(FederationConfigParser.parse(FED
                + "prices:\n  preemptibleDiscount: 2\n", "fed")))
                .hasMessageContaining("prices.preemptibleDiscount");
        assertThatThrownBy(() -> PricesConfig.read(FederationConfigParser.parse(FED
                + "prices:\n  entries:\n    - {center: changsha, onDemand: 3, colour: red}\n", "fed")))
                .hasMessageContaining("prices.entries[0].colour");
        PriceBook ok = PricesConfig.read(FederationConfigParser.parse(FED
                + "prices:\n  preemptibleDiscount: 0.5\n  entries:\n"
                + "    - {center: changsha, pool: a100, onDemand: 12, preemptible: 3, from: 2026-01-01}\n", "fed"));
        assertThat(ok.rate("changsha", "a100", "nvidia-a100", T0, true).cardHour()).isEqualByComparingTo("3");
        assertThat(ok.rate("changsha", "v100", "nvidia-v100", T0, true).cardHour()).isEqualByComparingTo("2");
    }

    /** Splitting an interval anywhere never changes the exact cost by more than rounding of each part. */
    @Property(tries = 300)
    void costIsAdditiveUpToOneMinorUnitPerPiece(@ForAll @IntRange(min = 0, max = 8000) int milliCards,
                                                @ForAll @LongRange(min = 1, max = 86_400_000) long ms,
                                                @ForAll @LongRange(min = 0, max = 86_400_000) long cutAt,
                                                @ForAll @IntRange(min = 0, max = 100_000) int priceCents) {
        var centers = FederationConfigParser.parse(FED, "fed").centers();
        PriceBook book = new PriceBook(List.of(entry("changsha", "a100", null,
                BigDecimal.valueOf(priceCents, 2).toPlainString(), null, null)), centers, BigDecimal.ZERO);
        long cut = Math.min(cutAt, ms);
        Instant end = T0.plusMillis(ms);
        Instant mid = T0.plusMillis(cut);
        BigDecimal whole = Pricing.price(book, CNY, interval("a100", "nvidia-a100", milliCards, T0, end, false)).cost();
        BigDecimal a = Pricing.price(book, CNY, interval("a100", "nvidia-a100", milliCards, T0, mid, false)).cost();
        BigDecimal b = Pricing.price(book, CNY, interval("a100", "nvidia-a100", milliCards, mid, end, false)).cost();
        assertThat(whole.subtract(a.add(b)).abs()).isLessThanOrEqualTo(new BigDecimal("0.01"));
        assertThat(whole.signum()).isGreaterThanOrEqualTo(0);
        // the exact value: price * cards * hours, rounded once
        BigDecimal exact = BigDecimal.valueOf(priceCents, 2).multiply(BigDecimal.valueOf(milliCards))
                .multiply(BigDecimal.valueOf(ms)).divide(new BigDecimal("3600000000"), 2, Money.ROUNDING);
        assertThat(whole).isEqualByComparingTo(exact);
    }
}
