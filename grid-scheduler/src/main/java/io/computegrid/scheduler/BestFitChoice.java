package io.computegrid.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * Score plugin "bestfit": try first the pool whose best node would be left with the fewest free cards
 * (the packing reference); ties keep the snapshot's pool order.
 */
final class BestFitChoice implements PoolChoice {
    static final String NAME = "bestfit";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NodeFit.Mode nodeMode() {
        return NodeFit.Mode.BESTFIT;
    }

    @Override
    public Ranking rank(Cycle cy, PendingJob job, Ledger.TenantState tenant, List<Cluster.PoolState> pools) {
        if (pools.size() <= 1) {
            return new Ranking(pools, List.of(), -1);
        }
        int per = Math.max(1, job.perTask().milliCards() / 1000);
        int need = job.tasks() * per;
        List<long[]> keyed = new ArrayList<>(pools.size());
        for (int k = 0; k < pools.size(); k++) {
            Cluster.PoolState p = pools.get(k);
            long left = Long.MAX_VALUE / 2;
            for (int c = Math.min(need, p.maxCards); c <= p.maxCards; c++) {
                if (p.count[c] > 0) {
                    left = c - Math.min(need, p.maxCards);
                    break;
                }
            }
            keyed.add(new long[]{left, k});
        }
        keyed.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        List<Cluster.PoolState> out = new ArrayList<>(pools.size());
        for (long[] r : keyed) {
            out.add(pools.get((int) r[1]));
        }
        return new Ranking(out, List.of(), -1);
    }
}
