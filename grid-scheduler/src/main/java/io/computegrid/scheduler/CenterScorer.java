package io.computegrid.scheduler;

import io.computegrid.model.AcceleratorChoice;
import io.computegrid.model.Center;
import io.computegrid.model.Dataset;
import io.computegrid.model.Objective;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Score plugin "score": ranks every candidate pool (one accelerator model in one center) by the job's
 * objective. Terms, each normalised to 0..1 over the candidates and weighted by
 * {@code scheduler.weights.<objective>}:
 * <ul>
 * <li>time: estimated finish = estimated start (now if it fits now, else from running jobs' end
 * times) + data transfer + run time on that model (speed factor of the job's choice, else rated
 * TFLOPS relative to the job's first accepted model);</li>
 * <li>cost: price per card-hour x cards x estimated hours;</li>
 * <li>data: seconds to move the job's datasets from the centers holding them (bandwidth table);</li>
 * <li>latency: network latency from the tenant's region to the center's region;</li>
 * <li>energy: (1 - green share) x PUE of the center.</li>
 * </ul>
 * Lower total wins; ties keep the snapshot's pool order. When the winner cannot start now but would
 * still finish before every pool that can, the job waits for it.
 */
final class CenterScorer implements PoolChoice {
    static final String NAME = "score";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NodeFit.Mode nodeMode() {
        return NodeFit.Mode.FRAG;
    }

    @Override
    public Ranking rank(Cycle cy, PendingJob job, Ledger.TenantState tenant, List<Cluster.PoolState> pools) {
        int n = pools.size();
        double[] time = new double[n];
        double[] cost = new double[n];
        double[] data = new double[n];
        double[] lat = new double[n];
        double[] energy = new double[n];
        long[] start = new long[n];
        long[] finish = new long[n];
        boolean[] fits = new boolean[n];
        double refSpeed = speed(cy, job, job.perTask().accelerators().isEmpty() ? null
                : job.perTask().accelerators().get(0).model());
        long base = cy.baseRuntime(job);
        SchedulerSettings.Network net = cy.settings.network();
        for (int k = 0; k < n; k++) {
            Cluster.PoolState p = pools.get(k);
            fits[k] = quickFits(p, job);
            start[k] = fits[k] ? cy.now : estimateStart(cy, p, job);
            double transfer = 0;
            for (Dataset d : job.datasets()) {
                double bw = net.bandwidth(d.center(), p.center);
                if (!Double.isInfinite(bw)) {
                    transfer += d.sizeGb() * 8 / bw;
                }
            }
            // a job that names no model gives no reference for its run time: the same on every model
            double s = job.perTask().accelerators().isEmpty() ? refSpeed : speed(cy, job, p.model);
            long run = (long) (base * (refSpeed / s));
            long st = start[k] == Long.MAX_VALUE ? Long.MAX_VALUE / 4 : start[k];
            finish[k] = st + (long) (transfer * 1000) + run;
            time[k] = finish[k] - cy.now;
            double cards = job.totalMilliCards() / 1000.0;
            cost[k] = p.pricePerCardHour() * cards * run / 3_600_000.0;
            data[k] = transfer;
            Center c = p.centerConfig;
            lat[k] = net.latency(tenant.region, c == null ? "default" : c.region());
            energy[k] = c == null ? 1.3 : (1 - c.greenShare()) * c.pue();
        }
        Objective o = job.objective() == Objective.BALANCED ? cy.settings.defaultObjective() : job.objective();
        SchedulerSettings.Weights w = cy.settings.weightsFor(o);
        double[] total = new double[n];
        add(total, time, w.time());
        add(total, cost, w.cost());
        add(total, data, w.data());
        add(total, lat, w.latency());
        add(total, energy, w.energy());
        Integer[] idx = new Integer[n];
        for (int k = 0; k < n; k++) {
            idx[k] = k;
        }
        Arrays.sort(idx, (a, b) -> {
            int c = Double.compare(total[a], total[b]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        List<Cluster.PoolState> order = new ArrayList<>(n);
        List<CenterScore> rows = new ArrayList<>(n);
        for (int k : idx) {
            Cluster.PoolState p = pools.get(k);
            order.add(p);
            rows.add(new CenterScore(p.center, p.name, p.model, start[k] == Long.MAX_VALUE ? -1 : start[k],
                    start[k] == Long.MAX_VALUE ? -1 : finish[k], round(cost[k]), round(data[k]), round(lat[k]),
                    round(energy[k]), round(total[k]), fits[k]));
        }
        int waitFor = -1;
        int top = idx[0];
        if (!fits[top] && start[top] != Long.MAX_VALUE) {
            boolean better = true;
            boolean anyFits = false;
            for (int k = 0; k < n; k++) {
                if (fits[k]) {
                    anyFits = true;
                    better &= finish[top] < finish[k];
                }
            }
            if (anyFits && better) {
                waitFor = 0;
            }
        }
        return new Ranking(order, rows, waitFor);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static void add(double[] total, double[] v, double weight) {
        if (weight == 0) {
            return;
        }
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (double x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        if (max - min <= 1e-9) {
            return;
        }
        for (int k = 0; k < v.length; k++) {
            total[k] += weight * (v[k] - min) / (max - min);
        }
    }

    /** The job's speed on a model: its stated speed factor, else the model's rated TFLOPS. */
    static double speed(Cycle cy, PendingJob job, String model) {
        if (model == null) {
            return 1;
        }
        for (AcceleratorChoice a : job.perTask().accelerators()) {
            if (a.model().equals(model) && a.speed() != null) {
                return a.speed();
            }
        }
        boolean anySpeed = false;
        for (AcceleratorChoice a : job.perTask().accelerators()) {
            anySpeed |= a.speed() != null;
        }
        if (anySpeed) {
            return 1;
        }
        Integer m = cy.ledger.modelIndex.get(model);
        return m == null ? 100 : cy.ledger.tflops[m];
    }

    /** A cheap upper-bound test: could the gang fit in the pool now (by free-card totals)? */
    static boolean quickFits(Cluster.PoolState p, PendingJob job) {
        int milli = job.perTask().milliCards();
        if (milli >= 1000) {
            int per = milli / 1000;
            return p.largestFree() >= per && p.freeWholeTotal >= (long) per * job.tasks();
        }
        if (milli > 0) {
            return p.freeWholeTotal > 0 || p.partialHead >= 0;
        }
        return p.schedulableNodes > 0;
    }

    /** When enough cards of the pool free up for the gang, from running jobs' expected ends (by totals). */
    static long estimateStart(Cycle cy, Cluster.PoolState p, PendingJob job) {
        long[][] curve = cy.releaseCurves.computeIfAbsent(p.index, k -> curve(cy, p));
        long need = Math.max(1, job.totalMilliCards() / 1000) - p.freeWholeTotal;
        if (need <= 0) {
            return cy.now;
        }
        long[] ends = curve[0];
        long[] cum = curve[1];
        int lo = 0;
        int hi = ends.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cum[mid] >= need) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo < ends.length ? ends[lo] : Long.MAX_VALUE;
    }

    private static long[][] curve(Cycle cy, Cluster.PoolState p) {
        List<RunningJob> rs = cy.runningWithStarts(p);
        long[][] pairs = new long[rs.size()][];
        for (int k = 0; k < rs.size(); k++) {
            RunningJob r = rs.get(k);
            long whole = 0;
            for (TaskAllocation t : r.tasks()) {
                whole += t.milliPerCard() == 1000 ? t.cardCount() : 0;
            }
            pairs[k] = new long[]{cy.expectedEnd(r), whole};
        }
        Arrays.sort(pairs, (a, b) -> Long.compare(a[0], b[0]));
        long[] ends = new long[pairs.length];
        long[] cum = new long[pairs.length];
        long sum = 0;
        for (int k = 0; k < pairs.length; k++) {
            sum += pairs[k][1];
            ends[k] = pairs[k][0];
            cum[k] = sum;
        }
        return new long[][]{ends, cum};
    }
}
