package io.computegrid.server.billing;

import io.computegrid.metering.Metering;
import io.computegrid.metering.budget.Quote;
import io.computegrid.model.JobSpec;
import io.computegrid.server.api.ApiException;
import io.computegrid.server.jobs.JobService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * At submission: the estimated cost from the price book and maxRuntime (on the most expensive pool
 * the job could run on), and a refusal (402) when the tenant's funds or budget cannot cover it.
 */
public final class BudgetCheck implements JobService.SubmitHook {
    private final Metering metering;

    public BudgetCheck(Metering metering) {
        this.metering = metering;
    }

    @Override
    public Map<String, Object> check(Handle h, String tenant, JobSpec spec) {
        Quote q = metering.quote(tenant, spec);
        Optional<String> block = metering.admissionBlock(h, tenant, q.admissionAmount(), spec.budget());
        if (block.isPresent()) {
            throw new ApiException(402, "Payment Required", block.get());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("estimatedCost", q.estimatedCost() != null ? q.estimatedCost() : q.hourlyCost());
        m.put("estimateBasis", q.estimatedCost() != null ? "maxRuntime" : "one hour (no maxRuntime)");
        m.put("currency", q.currency());
        return m;
    }
}
