package io.computegrid.metering.statement;

import java.math.BigDecimal;
import java.util.List;

/**
 * What each provider earned in a month: per center and tenant, gross charges, the platform fee and
 * the net revenue; {@code settled} is what was already paid out for that month.
 */
public record Settlement(String month, String currency, List<Provider> providers) {
    /** One provider's month. */
    public record Provider(String provider, BigDecimal gross, BigDecimal fees, BigDecimal net, BigDecimal settled,
                           List<Line> lines) {
    }

    /** One center's earnings from one tenant. */
    public record Line(String center, String tenant, long records, BigDecimal cardHours, BigDecimal gross,
                       BigDecimal fees, BigDecimal net) {
    }
}
