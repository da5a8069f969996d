package io.computegrid.server.scheduling;

import io.computegrid.model.JobSpec;
import io.computegrid.scheduler.Reason;
import io.computegrid.scheduler.Snapshot;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Holds back pending jobs that may not start for reasons outside the scheduler's model (a tenant
 * out of funds): they are left out of the cycle's snapshot and wait with the gate's reason.
 */
public interface AdmissionGate {
    AdmissionGate NONE = (s, specs) -> Map.of();

    /** Reasons for the pending jobs of {@code snapshot} that must not start now. */
    Map<Long, Reason> hold(Snapshot snapshot, LongFunction<JobSpec> specs);
}
