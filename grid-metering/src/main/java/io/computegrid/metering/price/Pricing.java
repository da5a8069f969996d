package io.computegrid.metering.price;

import io.computegrid.metering.money.Money;
import io.computegrid.metering.usage.UsageInterval;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Prices one usage interval. The interval is cut where a price period starts or ends, so a price
 * change applies exactly from its instant; the exact cost of all pieces is summed as a rational and
 * rounded once, half-even, to the minor unit:
 * <pre>cost = round( sum over pieces of ms * (milliCards*card + cpuMilli*cpu) / 3.6e9
 *                                        + ms * memoryMiB * mem / (1024 * 3.6e6) )</pre>
 */
public final class Pricing {
    private static final BigDecimal DENOMINATOR = BigDecimal.valueOf(3_600_000_000L).multiply(BigDecimal.valueOf(1024));

    private Pricing() {
    }

    /** The priced result: cost, the card-hour price at the start, and the basis of that price. */
    public record Priced(BigDecimal cost, BigDecimal unitPrice, String basis, int pieces) {
    }

    public static Priced price(PriceBook book, Money money, UsageInterval u) {
        List<Instant> cuts = new ArrayList<>();
        cuts.add(u.from());
        cuts.addAll(book.changesWithin(u.center(), u.pool(), u.accelerator(), u.from(), u.to()));
        cuts.add(u.to());
        BigDecimal numerator = BigDecimal.ZERO;
        Rate first = null;
        for (int i = 0; i + 1 < cuts.size(); i++) {
            Instant a = cuts.get(i);
            Rate r = book.rate(u.center(), u.pool(), u.accelerator(), a, u.preemptible());
            if (first == null) {
                first = r;
            }
            long ms = cuts.get(i + 1).toEpochMilli() - a.toEpochMilli();
            numerator = numerator.add(numerator(r, ms, u.milliCards(), u.cpuMilli(), u.memoryMiB()));
        }
        if (first == null) {
            first = book.rate(u.center(), u.pool(), u.accelerator(), u.from(), u.preemptible());
        }
        return new Priced(money.divide(numerator, DENOMINATOR), first.cardHour(), first.basis(), cuts.size() - 1);
    }

    /** Exact cost times {@link #DENOMINATOR} for {@code ms} milliseconds at one rate. */
    static BigDecimal numerator(Rate r, long ms, long milliCards, long cpuMilli, long memoryMiB) {
        BigDecimal t = BigDecimal.valueOf(ms);
        BigDecimal cards = r.cardHour().multiply(BigDecimal.valueOf(milliCards))
                .add(r.cpuCoreHour().multiply(BigDecimal.valueOf(cpuMilli)))
                .multiply(BigDecimal.valueOf(1024));
        BigDecimal mem = r.memoryGiBHour().multiply(BigDecimal.valueOf(memoryMiB)).multiply(BigDecimal.valueOf(1000));
        return cards.add(mem).multiply(t);
    }

    /** Estimated cost of a whole job: tasks x duration at one rate (a quote). */
    public static BigDecimal estimate(Money money, Rate r, int tasks, long ms, long milliCards, long cpuMilli,
                                      long memoryMiB) {
        return money.divide(numerator(r, ms, milliCards, cpuMilli, memoryMiB).multiply(BigDecimal.valueOf(tasks)),
                DENOMINATOR);
    }
}
