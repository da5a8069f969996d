package io.computegrid.metering.budget;

import java.math.BigDecimal;

/**
 * A job the server has running, as it asks which to stop; {@code budget} is the job's own cap or null.
 * {@code center}, {@code pool} and {@code model} say where it runs (null when unknown): work that costs
 * nothing there is not stopped for the tenant's funds, as the funds gate never holds free work either.
 */
public record RunningJob(long jobId, String tenant, BigDecimal budget, String center, String pool, String model,
                         boolean preemptible) {
    public RunningJob(long jobId, String tenant) {
        this(jobId, tenant, null, null, null, null, false);
    }
}
