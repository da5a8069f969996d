package io.computegrid.metering;

import io.computegrid.config.FederationConfig;
import io.computegrid.spec.Fields;
import io.computegrid.spec.SpecException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The federation's {@code metering} section, validated once:
 * <pre>
 * metering:
 *   sliceSeconds: 60        # running tasks are metered in slices this long (10..3600)
 *   platformFee: 0.05       # share of each charge that goes to the platform account (0..1)
 *   overrun: alert          # running work over a cap or out of funds: stop | alert
 *   accounts:               # optional per-tenant settings
 *     - tenant: lab-a
 *       creditLimit: 100    # the balance may go this far below zero
 *       monthlyBudget: 5000 # new work that would exceed this month's spend is refused
 *       overrun: stop
 * </pre>
 */
public record MeteringConfig(int sliceSeconds, BigDecimal platformFee, Overrun overrun, List<AccountSettings> accounts) {
    /** What happens to running work past a cap: stopped, or only reported. */
    public enum Overrun { STOP, ALERT }

    /** Per-tenant settings; null fields leave the stored value alone. */
    public record AccountSettings(String tenant, BigDecimal creditLimit, BigDecimal monthlyBudget, Overrun overrun) {
    }

    public static final MeteringConfig DEFAULT = new MeteringConfig(60, BigDecimal.ZERO, Overrun.ALERT, List.of());

    public MeteringConfig {
        accounts = List.copyOf(accounts);
    }

    public static MeteringConfig read(FederationConfig cfg) {
        Optional<JsonNode> section = cfg.section("metering");
        if (section.isEmpty()) {
            return DEFAULT;
        }
        Fields f = new Fields(section.get(), "metering");
        f.rejectUnknown(Set.of("sliceSeconds", "platformFee", "overrun", "accounts"));
        int slice = (int) f.integer("sliceSeconds", 60, 10, 3600);
        BigDecimal fee = f.decimal("platformFee", BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ONE);
        if (fee.stripTrailingZeros().scale() > 4) {
            throw new SpecException("metering.platformFee", "at most 4 decimal places");
        }
        Overrun overrun = overrun(f, "overrun", Overrun.ALERT);
        List<AccountSettings> accounts = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        BigDecimal max = new BigDecimal("1000000000000");
        for (Fields a : f.objects("accounts")) {
            a.rejectUnknown(Set.of("tenant", "creditLimit", "monthlyBudget", "overrun"));
            String tenant = a.requiredString("tenant");
            if (!seen.add(tenant)) {
                throw new SpecException(a.path("tenant"), "tenant '" + tenant + "' listed twice");
            }
            accounts.add(new AccountSettings(tenant,
                    a.has("creditLimit") ? a.decimal("creditLimit", null, BigDecimal.ZERO, max) : null,
                    a.has("monthlyBudget") ? a.decimal("monthlyBudget", null, BigDecimal.ZERO, max) : null,
                    a.has("overrun") ? overrun(a, "overrun", null) : null));
        }
        return new MeteringConfig(slice, fee, overrun, accounts);
    }

    private static Overrun overrun(Fields f, String field, Overrun fallback) {
        String s = f.string(field, null);
        if (s == null) {
            return fallback;
        }
        return switch (s) {
            case "stop" -> Overrun.STOP;
            case "alert" -> Overrun.ALERT;
            default -> throw new SpecException(f.path(field), "must be stop or alert");
        };
    }
}
