package io.computegrid.metering.budget;

import java.math.BigDecimal;

/** A job the server has running, as it asks which to stop; {@code budget} is the job's own cap or null. */
public record RunningJob(long jobId, String tenant, BigDecimal budget) {
    public RunningJob(long jobId, String tenant) {
        this(jobId, tenant, null);
    }
}
