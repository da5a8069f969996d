package io.computegrid.server.billing;

import io.computegrid.metering.Metering;
import io.computegrid.metering.budget.Funds;
import io.computegrid.model.JobSpec;
import io.computegrid.scheduler.PendingJob;
import io.computegrid.scheduler.Reason;
import io.computegrid.scheduler.RunningJob;
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
 * Priced work starts only while the tenant can pay for it. Per tenant: what its running jobs are still
 * expected to spend is committed ({@link CommittedSpend}); then its pending jobs, in the snapshot's
 * order, each commit their quote (maxRuntime, or one hour) while it fits within balance + credit +
 * vouchers and the monthly budget; the others are held with the reason and the numbers. So a tenant out
 * of funds starts nothing priced, even work submitted while it had money, and several jobs that each
 * fit alone do not start together past what the tenant has. Free work (a zero quote) is never held.
 * Funds and quotes are read at most every two seconds.
 */
public final class FundsGate implements AdmissionGate {
    private static final long REFRESH_NANOS = 2_000_000_000L;
    private final Metering metering;
    private final Jdbi jdbi;
    private final Map<String, Funds> funds = new HashMap<>();
    /** Admission amount (quote) per pending job, until the next refresh. */
    private final Map<Long, BigDecimal> quotes = new HashMap<>();
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
        long nanos = System.nanoTime();
        TreeSet<String> tenants = new TreeSet<>();
        snapshot.pending().forEach(j -> tenants.add(j.tenant()));
        if (nanos - readAt > REFRESH_NANOS || !funds.keySet().containsAll(tenants)) {
            jdbi.useHandle(h -> {
                funds.clear();
                for (String t : tenants) {
                    funds.put(t, metering.funds(h, t));
                }
            });
            quotes.clear();
            readAt = nanos;
        }
        long now = System.currentTimeMillis();
        Map<String, BigDecimal> committed = new HashMap<>();
        for (RunningJob r : snapshot.running()) {
            if (!tenants.contains(r.tenant())) {
                continue;
            }
            JobSpec spec = specs.apply(r.id());
            if (spec != null) {
                committed.merge(r.tenant(), CommittedSpend.of(metering, r.tenant(), spec, r.center(), r.pool(),
                        r.accelerator(), r.startedAt(), now), BigDecimal::add);
            }
        }
        Map<Long, Reason> out = new HashMap<>();
        for (PendingJob j : snapshot.pending()) {
            Funds f = funds.get(j.tenant());
            JobSpec spec = specs.apply(j.id());
            if (f == null || spec == null) {
                continue;
            }
            BigDecimal amount = quotes.computeIfAbsent(j.id(),
                    id -> metering.quote(j.tenant(), spec).admissionAmount());
            if (amount.signum() <= 0) {
                continue;
            }
            BigDecimal c = committed.getOrDefault(j.tenant(), BigDecimal.ZERO);
            Optional<String> why = f.withCommitted(c).block(amount, null);
            if (why.isPresent()) {
                out.put(j.id(), new Reason("funds", "FUNDS", why.get()));
            } else {
                committed.put(j.tenant(), c.add(amount));
            }
        }
        return out;
    }
}
