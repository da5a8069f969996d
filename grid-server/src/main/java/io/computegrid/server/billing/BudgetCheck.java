package io.computegrid.server.billing;

import io.computegrid.metering.Metering;
import io.computegrid.metering.budget.Quote;
import io.computegrid.model.JobSpec;
import io.computegrid.server.api.ApiException;
import io.computegrid.server.jobs.JobService;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.jdbi.v3.core.Handle;

/**
 * At submission: the estimated cost from the price book and maxRuntime (on the most expensive pool
 * the job could run on), and a refusal (402) when the tenant's funds or budget cannot cover it on top
 * of what its running work is still expected to spend ({@link CommittedSpend}).
 */
public final class BudgetCheck implements JobService.SubmitHook {
    private final Metering metering;
    private final LongFunction<JobSpec> cached;
    private final Function<String, JobSpec> parse;

    /**
     * @param cached the scheduling loop's parsed spec of an active job, or null
     * @param parse  parses a stored job document (a running job the loop has not seen yet)
     */
    public BudgetCheck(Metering metering, LongFunction<JobSpec> cached, Function<String, JobSpec> parse) {
        this.metering = metering;
        this.cached = cached;
        this.parse = parse;
    }

    @Override
    public Map<String, Object> check(Handle h, String tenant, JobSpec spec) {
        Quote q = metering.quote(tenant, spec);
        if (q.admissionAmount().signum() <= 0) {
            return quoted(q);
        }
        long now = System.currentTimeMillis();
        BigDecimal committed = h.createQuery("""
                        SELECT id, spec, center, pool, accelerator, COALESCE(started_at, submitted_at) AS since
                        FROM jobs WHERE tenant = :t AND state IN ('ADMITTED', 'RUNNING')""")
                .bind("t", tenant)
                .map((rs, ctx) -> CommittedSpend.of(metering, tenant, spec(rs.getLong("id"), rs.getString("spec")),
                        rs.getString("center"), rs.getString("pool"), rs.getString("accelerator"),
                        rs.getTimestamp("since").getTime(), now))
                .list().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        Optional<String> block = metering.admissionBlock(h, tenant, q.admissionAmount(), spec.budget(), committed);
        if (block.isPresent()) {
            throw new ApiException(402, "Payment Required", block.get());
        }
        return quoted(q);
    }

    private JobSpec spec(long id, String json) {
        JobSpec s = cached.apply(id);
        return s != null ? s : parse.apply(json);
    }

    private static Map<String, Object> quoted(Quote q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("estimatedCost", q.estimatedCost() != null ? q.estimatedCost() : q.hourlyCost());
        m.put("estimateBasis", q.estimatedCost() != null ? "maxRuntime" : "one hour (no maxRuntime)");
        m.put("currency", q.currency());
        return m;
    }
}
