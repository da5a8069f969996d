package io.computegrid.metering.price;

import io.computegrid.metering.MeteringException;
import io.computegrid.metering.money.Money;
import io.computegrid.model.Center;
import io.computegrid.model.Pool;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The immutable price book: explicit entries (from the federation file and the prices API) over
 * the pools' list prices. The most specific entry covering an instant wins; at equal specificity
 * an API entry beats a configured one; with no entry the pool's {@code pricePerCardHour} applies.
 * Preemptible work pays the entry's preemptible price, or on-demand less {@link #preemptibleDiscount()}.
 */
public final class PriceBook {
    private final List<PriceEntry> entries;
    private final Map<String, BigDecimal> listPrices;
    private final BigDecimal preemptibleDiscount;

    public PriceBook(List<PriceEntry> entries, List<Center> centers, BigDecimal preemptibleDiscount) {
        checkNoOverlap(entries);
        this.entries = entries.stream()
                .sorted(Comparator.comparingInt(PriceEntry::specificity).reversed()
                        .thenComparing(e -> e.source() == PriceEntry.Source.API ? 0 : 1))
                .toList();
        this.listPrices = new HashMap<>();
        for (Center c : centers) {
            for (Pool p : c.pools()) {
                listPrices.put(c.name() + "/" + p.name(), p.pricePerCardHour());
            }
        }
        if (preemptibleDiscount.signum() < 0 || preemptibleDiscount.compareTo(BigDecimal.ONE) > 0) {
            throw MeteringException.invalid("prices.preemptibleDiscount: must be between 0 and 1");
        }
        this.preemptibleDiscount = preemptibleDiscount;
    }

    public static PriceBook empty() {
        return new PriceBook(List.of(), List.of(), BigDecimal.ZERO);
    }

    /** Refuses two periods of the same key and source that overlap, naming both. */
    public static void checkNoOverlap(List<PriceEntry> entries) {
        for (int i = 0; i < entries.size(); i++) {
            for (int j = i + 1; j < entries.size(); j++) {
                PriceEntry a = entries.get(i);
                PriceEntry b = entries.get(j);
                if (a.source() == b.source() && a.sameKey(b) && a.overlaps(b)) {
                    throw MeteringException.conflict("price periods overlap for " + a.key() + ": "
                            + period(a) + " and " + period(b));
                }
            }
        }
    }

    static String period(PriceEntry e) {
        return "[" + (e.from() == null ? "-inf" : e.from()) + ", " + (e.to() == null ? "open" : e.to()) + ")";
    }

    public List<PriceEntry> entries() {
        return entries;
    }

    public BigDecimal preemptibleDiscount() {
        return preemptibleDiscount;
    }

    /** The rate for work of this center, pool and model at instant {@code at}. */
    public Rate rate(String center, String pool, String model, Instant at, boolean preemptible) {
        for (PriceEntry e : entries) {
            if (e.matches(center, pool, model) && e.covers(at)) {
                BigDecimal card = preemptible
                        ? (e.preemptible() != null ? e.preemptible() : discounted(e.onDemand()))
                        : e.onDemand();
                BigDecimal cpu = preemptible ? discounted(e.cpuCoreHour()) : e.cpuCoreHour();
                BigDecimal mem = preemptible ? discounted(e.memoryGiBHour()) : e.memoryGiBHour();
                return new Rate(card, cpu, mem, e.source().name().toLowerCase() + " price " + e.key());
            }
        }
        BigDecimal list = listPrices.getOrDefault(center + "/" + pool, BigDecimal.ZERO)
                .setScale(Money.PRICE_SCALE, Money.ROUNDING);
        BigDecimal zero = BigDecimal.ZERO.setScale(Money.PRICE_SCALE);
        return new Rate(preemptible ? discounted(list) : list, zero, zero,
                listPrices.containsKey(center + "/" + pool) ? "list price of pool " + center + "/" + pool
                        : "unpriced pool " + center + "/" + pool);
    }

    private BigDecimal discounted(BigDecimal p) {
        return p.multiply(BigDecimal.ONE.subtract(preemptibleDiscount)).setScale(Money.PRICE_SCALE, Money.ROUNDING);
    }

    /** Instants strictly inside (from, to) where some matching entry starts or ends: where a rate may change. */
    public List<Instant> changesWithin(String center, String pool, String model, Instant from, Instant to) {
        TreeSet<Instant> out = new TreeSet<>();
        for (PriceEntry e : entries) {
            if (!e.matches(center, pool, model)) {
                continue;
            }
            for (Instant t : new Instant[] {e.from(), e.to()}) {
                if (t != null && t.isAfter(from) && t.isBefore(to)) {
                    out.add(t);
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** A new book with one more API entry (overlaps refused). */
    public PriceBook with(List<PriceEntry> apiEntries, List<Center> centers) {
        List<PriceEntry> all = new ArrayList<>(entries.stream()
                .filter(e -> e.source() == PriceEntry.Source.CONFIG).toList());
        all.addAll(apiEntries);
        return new PriceBook(all, centers, preemptibleDiscount);
    }
}
