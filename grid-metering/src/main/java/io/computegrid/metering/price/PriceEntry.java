package io.computegrid.metering.price;

import io.computegrid.metering.MeteringException;
import io.computegrid.metering.money.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One price period for a key (center, pool, model; a null part matches anything). Prices are per
 * card-hour (on-demand and preemptible), per CPU core-hour and per GiB-hour of memory. The period is
 * {@code [from, to)}; null {@code from} means since ever, null {@code to} means until changed.
 *
 * @param preemptible per card-hour for jobs that accept preemption; null: on-demand less the book's discount
 */
public record PriceEntry(long id, String center, String pool, String model, BigDecimal onDemand,
                         BigDecimal preemptible, BigDecimal cpuCoreHour, BigDecimal memoryGiBHour,
                         Instant from, Instant to, Source source) {
    /** Where an entry comes from: the federation file or the prices API (API wins at equal specificity). */
    public enum Source { CONFIG, API }

    public PriceEntry {
        onDemand = Money.price(Objects.requireNonNull(onDemand, "onDemand"), "onDemand");
        preemptible = Money.price(preemptible, "preemptible");
        cpuCoreHour = cpuCoreHour == null ? BigDecimal.ZERO.setScale(Money.PRICE_SCALE)
                : Money.price(cpuCoreHour, "cpuCoreHour");
        memoryGiBHour = memoryGiBHour == null ? BigDecimal.ZERO.setScale(Money.PRICE_SCALE)
                : Money.price(memoryGiBHour, "memoryGiBHour");
        if (from != null && to != null && !to.isAfter(from)) {
            throw MeteringException.invalid("price period: 'to' " + to + " must be after 'from' " + from);
        }
        source = source == null ? Source.API : source;
    }

    /** Higher is more specific: a pool beats a model, a center beats the whole federation. */
    public int specificity() {
        return (pool != null ? 4 : 0) + (center != null ? 2 : 0) + (model != null ? 1 : 0);
    }

    public boolean matches(String c, String p, String m) {
        return (center == null || center.equals(c)) && (pool == null || pool.equals(p))
                && (model == null || model.equals(m));
    }

    public boolean sameKey(PriceEntry o) {
        return Objects.equals(center, o.center) && Objects.equals(pool, o.pool) && Objects.equals(model, o.model);
    }

    public boolean covers(Instant t) {
        return (from == null || !t.isBefore(from)) && (to == null || t.isBefore(to));
    }

    public boolean overlaps(PriceEntry o) {
        boolean startsBeforeOtherEnds = from == null || o.to == null || from.isBefore(o.to);
        boolean otherStartsBeforeThisEnds = o.from == null || to == null || o.from.isBefore(to);
        return startsBeforeOtherEnds && otherStartsBeforeThisEnds;
    }

    public String key() {
        return "center=" + (center == null ? "*" : center) + " pool=" + (pool == null ? "*" : pool)
                + " model=" + (model == null ? "*" : model);
    }

    public PriceEntry withTo(Instant newTo) {
        return new PriceEntry(id, center, pool, model, onDemand, preemptible, cpuCoreHour, memoryGiBHour, from,
                newTo, source);
    }

    public PriceEntry withId(long newId) {
        return new PriceEntry(newId, center, pool, model, onDemand, preemptible, cpuCoreHour, memoryGiBHour, from,
                to, source);
    }
}
