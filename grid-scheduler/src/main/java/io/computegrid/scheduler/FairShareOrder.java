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
        Comparator<PendingJob> cmp = Comparator.comparingInt((PendingJob j) -> -effectivePriority(j, now, aging))
                .thenComparing(within);
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
            l.jobs.add(j);
        }
        for (Line l : all) {
            if (!SortedOrder.sorted(l.jobs, cmp)) {
                l.jobs.sort(cmp);
            }
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
                    current.at++;
                    if (current.at < current.jobs.size()) {
                        current.refresh(ledger, now, aging);
                        heap.add(current);
                    }
                    current = null;
                }
                current = heap.poll();
                return current == null ? null : current.jobs.get(current.at);
            }
        };
    }

    static int effectivePriority(PendingJob j, long now, long aging) {
        return aging > 0 && now - j.submittedAt() >= aging ? j.priority() + 2_000_000 : j.priority();
    }

    private static final class Line {
        final Ledger.TenantState tenant;
        final List<PendingJob> jobs = new ArrayList<>();
        int at;
        int headPriority;
        double key;

        Line(Ledger.TenantState tenant) {
            this.tenant = tenant;
        }

        void refresh(Ledger ledger, long now, long aging) {
            headPriority = effectivePriority(jobs.get(at), now, aging);
            key = ledger.fairKey(tenant);
        }
    }
}
