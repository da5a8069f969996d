package io.computegrid.scheduler;

import java.util.List;

/** Score plugins: in which order a job tries the pools that passed the filters. */
interface PoolChoice extends Plugin {
    /** Candidate pools in the order to try them, with the score table (may be empty). */
    Ranking rank(Cycle cy, PendingJob job, Ledger.TenantState tenant, List<Cluster.PoolState> pools);

    /** How a single-task job chooses its node among the best-ranked pools (null: the gang plugin's packing). */
    default NodeFit.Mode nodeMode() {
        return null;
    }

    /** Pools in order; {@code rows} parallel to them (or empty); {@code waitFor} a pool worth waiting for (or -1). */
    record Ranking(List<Cluster.PoolState> pools, List<CenterScore> rows, int waitFor) {
    }
}
