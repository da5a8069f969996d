package io.computegrid.metering.voucher;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * An operator's request to issue a voucher. Null {@code share} means 1 (the voucher pays whole
 * charges), null {@code validFrom} means now, null {@code validTo} means a year after validFrom;
 * empty scopes mean any center / any model. {@code idemKey} (optional) makes a retried request
 * return the first voucher instead of issuing a second.
 */
public record VoucherRequest(String tenant, String issuer, BigDecimal amount, BigDecimal share, Instant validFrom,
                             Instant validTo, List<String> centers, List<String> models, String idemKey) {
    public VoucherRequest {
        centers = List.copyOf(centers == null ? List.of() : centers);
        models = List.copyOf(models == null ? List.of() : models);
    }
}
