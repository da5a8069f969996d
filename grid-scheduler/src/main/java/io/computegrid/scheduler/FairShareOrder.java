package io.computegrid.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Ordering plugin "fairshare": weighted dominant-resource fairness over tenants. Each tenant's jobs
 * form a line (priority class first, then the configured order: fifo, sjf or las; jobs waiting longer
 * than {@code agingSeconds} go first); the next job is the head of the tenant line with the highest
 * head priority, then the lowest fair-share key (blend of current dominant share and decayed past
 * usage, over weight). A start moves that tenant's share at once, so the next pick sees it.
 */
final class FairShareOrder implements Ordering {
    static final String NAME = "fairshare";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public JobQueue queue(Cycle cycle) {
        SchedulerSettings s = cycle.settings;
        long now = cycle.now;
        long aging = s.agingMillis();
        Comparator<PendingJob> within = switch (s.tenantOrder()) {
            case "sjf" -> Comparator.comparingLong(SortedOrder::hint).thenComparing(SortedOrder.ARRIVAL);
            case "las" -> Comparator.comparingInt((PendingJob j) -> SortedOrder.lasQueue(j,
                    s.lasThresholdsCardSeconds())).thenComparing(SortedOrder.ARRIVAL);
            default -> SortedOrder.ARRIVAL;
        };
        boolean arrival = "fifo".equals(s.tenantOrder());
        Map<String, Line> lines = new HashMap<>();
        List<Line> all = new ArrayList<>();
        String lastTenant = null;
        Line last = null;
        for (PendingJob j : cycle.snapshot.pending()) {
            Line l;
            if (j.tenant().equals(lastTenant)) {
                l = last;
            } else {
                l = lines.get(j.tenant());
                if (l == null) {
                    l = new Line(cycle.ledger.tenant(j.tenant()));
                    lines.put(j.tenant(), l);
                    all.add(l);
                }
                lastTenant = j.tenant();
                last = l;
            }
            l.add(effectivePriority(j, now, aging), j);
        }
        // one line per priority level inside each tenant, kept in the snapshot's order: sorted only when
        // that order is not already the configured one (no O(queue log queue) sort for a queue in order)
        for (Line l : all) {
            l.seal(arrival ? null : within);
        }
        Ledger ledger = cycle.ledger;
        PriorityQueue<Line> heap = new PriorityQueue<>(Math.max(1, all.size()), (a, b) -> {
            int c = Integer.compare(b.headPriority, a.headPriority);
            if (c != 0) {
                return c;
            }
            c = Double.compare(a.key, b.key);
            if (c != 0) {
                return c;
            }
            return a.tenant.name.compareTo(b.tenant.name);
        });
        for (Line l : all) {
            l.refresh(ledger, now, aging);
            heap.add(l);
        }
        return new JobQueue() {
            Line current;

            @Override
            public PendingJob next() {
                if (current != null) {
                    if (current.advance()) {
                        current.refresh(ledger, now, aging);
                        heap.add(current);
                    }
                    current = null;
                }
                current = heap.poll();
                return current == null ? null : current.head();
            }
        };
    }

    static int effectivePriority(PendingJob j, long now, long aging) {
        return aging > 0 && now - j.submittedAt() >= aging ? j.priority() + 2_000_000 : j.priority();
    }

    private static final class Line {
        final Ledger.TenantState tenant;
        /** Priority levels, highest first after {@link #seal}; each a list of jobs. */
        final List<int[]> levels = new ArrayList<>();
        final List<List<PendingJob>> jobs = new ArrayList<>();
        int level;
        int at;
        int headPriority;
        double key;

        Line(Ledger.TenantState tenant) {
            this.tenant = tenant;
        }

        void add(int priority, PendingJob j) {
            for (int k = 0; k < levels.size(); k++) {
                int[] lv = levels.get(k);
                if (lv[0] == priority) {
                    List<PendingJob> l = jobs.get(k);
                    PendingJob last = l.get(l.size() - 1);
                    if (j.order() < last.order() || j.order() == last.order() && j.id() < last.id()) {
                        lv[1] = 1; // out of arrival order: seal sorts (checked here, while the job is in cache)
                    }
                    l.add(j);
                    return;
                }
            }
            levels.add(new int[]{priority, 0});
            List<PendingJob> l = new ArrayList<>();
            l.add(j);
            jobs.add(l);
        }

        void seal(Comparator<PendingJob> within) {
            Integer[] idx = new Integer[levels.size()];
            for (int k = 0; k < idx.length; k++) {
                idx[k] = k;
            }
            java.util.Arrays.sort(idx, (a, b) -> Integer.compare(levels.get(b)[0], levels.get(a)[0]));
            List<int[]> lv = new ArrayList<>();
            List<List<PendingJob>> js = new ArrayList<>();
            for (int k : idx) {
                lv.add(levels.get(k));
                List<PendingJob> l = jobs.get(k);
                if (within == null ? levels.get(k)[1] != 0 : !SortedOrder.sorted(l, within)) {
                    l.sort(within == null ? SortedOrder.ARRIVAL : within);
                }
                js.add(l);
            }
            levels.clear();
            levels.addAll(lv);
            jobs.clear();
            jobs.addAll(js);
        }

        PendingJob head() {
            return jobs.get(level).get(at);
        }

        boolean advance() {
            at++;
            if (at >= jobs.get(level).size()) {
                level++;
                at = 0;
            }
            return level < jobs.size();
        }

        void refresh(Ledger ledger, long now, long aging) {
            headPriority = levels.get(level)[0];
            key = ledger.fairKey(tenant);
        }
    }
}
