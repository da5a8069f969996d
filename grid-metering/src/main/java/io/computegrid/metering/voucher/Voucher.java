package io.computegrid.metering.voucher;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A compute voucher (算力券): credit from an issuer for one tenant, usable within {@code [validFrom,
 * validTo)} on the listed centers and models (empty list: any), paying {@code share} (0 &lt; share
 * &lt;= 1) of each charge until {@code remaining} is used up.
 */
public record Voucher(long id, String tenant, String issuer, BigDecimal amount, BigDecimal remaining,
                      BigDecimal share, Instant validFrom, Instant validTo, List<String> centers,
                      List<String> models, State state, Instant createdAt) {
    /** ACTIVE until it expires (at {@code validTo} or by an operator); an expired voucher pays nothing. */
    public enum State { ACTIVE, EXPIRED }

    public Voucher {
        centers = List.copyOf(centers == null ? List.of() : centers);
        models = List.copyOf(models == null ? List.of() : models);
    }

    /** May this voucher pay for usage in {@code [from, to)} on this center and model? */
    public boolean applies(String center, String model, Instant from, Instant to) {
        return state == State.ACTIVE && remaining.signum() > 0
                && !from.isBefore(validFrom) && !to.isAfter(validTo) && covers(center, model);
    }

    /** Is this center and model in the voucher's scope (whatever the time)? */
    public boolean covers(String center, String model) {
        return (centers.isEmpty() || centers.contains(center)) && (models.isEmpty() || models.contains(model));
    }

    public Voucher withRemaining(BigDecimal r) {
        return new Voucher(id, tenant, issuer, amount, r, share, validFrom, validTo, centers, models, state, createdAt);
    }

    public Voucher expired() {
        return new Voucher(id, tenant, issuer, amount, remaining, share, validFrom, validTo, centers, models,
                State.EXPIRED, createdAt);
    }
}
