package io.computegrid.scheduler;

import java.util.List;

/** A preempt plugin: may choose victims for a job that found no room. */
interface PreemptPlugin extends Plugin {
    /** True when victims were chosen (preemptions and a reservation are recorded in the cycle). */
    boolean tryPreempt(Cycle cy, PendingJob job, List<Cluster.PoolState> pools, Ledger.TenantState tenant);
}
