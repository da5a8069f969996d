package io.computegrid.metering.budget;

import io.computegrid.metering.MeteringConfig;

/** A running job past a cap or out of funds: the server stops it when {@code action} is STOP, else alerts. */
public record Overrun(long jobId, String tenant, MeteringConfig.Overrun action, String reason) {
    public boolean stop() {
        return action == MeteringConfig.Overrun.STOP;
    }
}
