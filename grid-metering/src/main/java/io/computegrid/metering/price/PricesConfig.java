package io.computegrid.metering.price;

import io.computegrid.config.FederationConfig;
import io.computegrid.metering.MeteringException;
import io.computegrid.model.Center;
import io.computegrid.spec.Fields;
import io.computegrid.spec.SpecException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads the federation's {@code prices} section:
 * <pre>
 * prices:
 *   preemptibleDiscount: 0.3          # share off for preemptible work when an entry names no preemptible price
 *   entries:
 *     - center: changsha              # optional (any center); must exist
 *       pool: a100                    # optional (any pool of the center); needs center
 *       model: nvidia-a100            # optional (any model); must be in the catalog
 *       onDemand: 12.5                # per card-hour, required
 *       preemptible: 5                # per card-hour, optional
 *       cpuCoreHour: 0.05             # optional, default 0
 *       memoryGiBHour: 0.01           # optional, default 0
 *       from: 2026-01-01              # optional; to: optional, exclusive
 * </pre>
 * Errors name the field path ({@code prices.entries[2].onDemand: ...}).
 */
public final class PricesConfig {
    public static final BigDecimal DEFAULT_DISCOUNT = new BigDecimal("0.3");
    private static final BigDecimal MAX = new BigDecimal("1000000");

    private PricesConfig() {
    }

    public static PriceBook read(FederationConfig cfg) {
        Optional<JsonNode> section = cfg.section("prices");
        if (section.isEmpty()) {
            return new PriceBook(List.of(), cfg.centers(), DEFAULT_DISCOUNT);
        }
        Fields f = new Fields(section.get(), "prices");
        f.rejectUnknown(Set.of("preemptibleDiscount", "entries"));
        BigDecimal discount = f.decimal("preemptibleDiscount", DEFAULT_DISCOUNT, BigDecimal.ZERO, BigDecimal.ONE);
        List<PriceEntry> entries = new ArrayList<>();
        for (Fields e : f.objects("entries")) {
            entries.add(entry(e, cfg));
        }
        try {
            return new PriceBook(entries, cfg.centers(), discount);
        } catch (MeteringException e) {
            throw new SpecException("prices.entries", e.getMessage());
        }
    }

    private static PriceEntry entry(Fields e, FederationConfig cfg) {
        e.rejectUnknown(Set.of("center", "pool", "model", "onDemand", "preemptible", "cpuCoreHour",
                "memoryGiBHour", "from", "to"));
        String center = e.string("center", null);
        String pool = e.string("pool", null);
        String model = e.string("model", null);
        if (center != null) {
            Center c = cfg.center(center).orElseThrow(() -> new SpecException(e.path("center"),
                    "unknown center '" + center + "'"));
            if (pool != null && c.pools().stream().noneMatch(p -> p.name().equals(pool))) {
                throw new SpecException(e.path("pool"), "center " + center + " has no pool '" + pool + "'");
            }
        } else if (pool != null) {
            throw new SpecException(e.path("pool"), "a pool price needs its center");
        }
        if (model != null && !cfg.catalog().contains(model)) {
            throw new SpecException(e.path("model"), "unknown accelerator model '" + model + "'");
        }
        if (!e.has("onDemand")) {
            throw new SpecException(e.path("onDemand"), "is required (price per card-hour)");
        }
        BigDecimal onDemand = money(e, "onDemand");
        BigDecimal preemptible = e.has("preemptible") ? money(e, "preemptible") : null;
        BigDecimal cpu = e.has("cpuCoreHour") ? money(e, "cpuCoreHour") : null;
        BigDecimal mem = e.has("memoryGiBHour") ? money(e, "memoryGiBHour") : null;
        try {
            return new PriceEntry(0, center, pool, model, onDemand, preemptible, cpu, mem,
                    Instants.parse(e.string("from", null), "from"), Instants.parse(e.string("to", null), "to"),
                    PriceEntry.Source.CONFIG);
        } catch (MeteringException ex) {
            throw new SpecException(e.path("to"), ex.getMessage());
        }
    }

    private static BigDecimal money(Fields e, String field) {
        JsonNode raw = e.raw(field);
        if (raw != null && raw.isNumber() && Fields.decimalOf(raw, e.path(field)).signum() < 0
                || raw != null && raw.isString() && raw.asString().trim().startsWith("-")) {
            throw new SpecException(e.path(field), "a price must not be negative");
        }
        BigDecimal d = e.decimal(field, BigDecimal.ZERO, BigDecimal.ZERO, MAX);
        try {
            return io.computegrid.metering.money.Money.price(d, field);
        } catch (MeteringException ex) {
            throw new SpecException(e.path(field), ex.getMessage().substring(field.length() + 2));
        }
    }
}
