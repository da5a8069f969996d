package io.computegrid.server.billing;

import io.computegrid.metering.Metering;
import io.computegrid.model.JobSpec;
import io.computegrid.scheduler.PendingJob;
import io.computegrid.scheduler.Reason;
import io.computegrid.scheduler.Snapshot;
import io.computegrid.server.scheduling.AdmissionGate;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.LongFunction;
import org.jdbi.v3.core.Jdbi;

/**
 * A tenant whose balance, credit and vouchers are exhausted (or whose monthly budget is spent)
 * starts no new priced work, even work it submitted while it still had money: its pending jobs are
 * held with the reason and the numbers. Free work (a zero quote) is never held. Each tenant's funds
 * are read at most every two seconds.
 */
public final class FundsGate implements AdmissionGate {
    private static final long REFRESH_NANOS = 2_000_000_000L;
    private static final BigDecimal SMALLEST = new BigDecimal("0.01");
    private final Metering metering;
    private final Jdbi jdbi;
    private final Map<String, Optional<String>> blocked = new HashMap<>();
    private long readAt;

    public FundsGate(Metering metering, Jdbi jdbi) {
        this.metering = metering;
        this.jdbi = jdbi;
    }

    @Override
    public Map<Long, Reason> hold(Snapshot snapshot, LongFunction<JobSpec> specs) {
        if (snapshot.pending().isEmpty()) {
            return Map.of();
        }
        long now = System.nanoTime();
        TreeSet<String> tenants = new TreeSet<>();
        snapshot.pending().forEach(j -> tenants.add(j.tenant()));
        if (now - readAt > REFRESH_NANOS || !blocked.keySet().containsAll(tenants)) {
            jdbi.useHandle(h -> {
                blocked.clear();
                for (String t : tenants) {
                    blocked.put(t, metering.funds(h, t).block(SMALLEST, null));
                }
            });
            readAt = now;
        }
        Map<Long, Reason> out = new HashMap<>();
        for (PendingJob j : snapshot.pending()) {
            Optional<String> why = blocked.getOrDefault(j.tenant(), Optional.empty());
            if (why.isEmpty()) {
                continue;
            }
            JobSpec spec = specs.apply(j.id());
            if (spec != null && metering.quote(j.tenant(), spec).admissionAmount().signum() > 0) {
                out.put(j.id(), new Reason("funds", "FUNDS", why.get()));
            }
        }
        return out;
    }
}
