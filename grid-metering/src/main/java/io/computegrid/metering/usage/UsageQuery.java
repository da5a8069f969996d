package io.computegrid.metering.usage;

import java.time.Instant;

/**
 * A filter over usage records: tenant (null: all), jobId (null: all), intervals ending in
 * {@code [from, to)} (null: unbounded); pages of {@code limit} records after record id {@code after}.
 */
public record UsageQuery(String tenant, Long jobId, Instant from, Instant to, long after, int limit) {
    public static final int MAX_LIMIT = 10_000;

    public UsageQuery {
        limit = limit <= 0 ? 1000 : Math.min(limit, MAX_LIMIT);
        after = Math.max(after, 0);
    }
}
