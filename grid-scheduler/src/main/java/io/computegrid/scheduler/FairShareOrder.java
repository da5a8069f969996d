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
            case "las" -> Comparator.comparingInt((PendingJob j) -> SortedOrder.lasQueue(j, s, now))
                    .thenComparing(SortedOrder.ARRIVAL);
            default -> SortedOrder.ARRIVAL;
        };
        boolean arrival = "fifo".equals(s.tenantOrder());
        List<PendingJob> pending = cycle.snapshot.pending();
        int n = pending.size();
        // one pass over the queue, the only per-pending-job work of a cycle: each tenant's priority levels are
        // chains of indexes into the snapshot's list (next[i]), so no per-tenant list grows and nothing is copied
        int[] next = new int[n];
        Map<String, Line> lines = new HashMap<>();
        List<Line> all = new ArrayList<>();
        // tenant names repeat as the same String instance: a small identity cache spares the map lookup
        String[] cacheKey = new String[256];
        Line[] cacheLine = new Line[256];
        for (int i = 0; i < n; i++) {
            PendingJob j = pending.get(i);
            String t = j.tenant();
            int h = System.identityHashCode(t) & 255;
            Line l;
            if (cacheKey[h] == t) {
                l = cacheLine[h];
            } else {
                l = lines.get(t);
                if (l == null) {
                    l = new Line(cycle.ledger.tenant(t), pending, next);
                    lines.put(t, l);
                    all.add(l);
                }
                cacheKey[h] = t;
                cacheLine[h] = l;
            }
            l.add(effectivePriority(j, now, aging), j, i);
        }
        // levels highest first, each kept in the snapshot's order: sorted only when that order is not already
        // the configured one (no O(queue log queue) sort for a queue in order)
        for (Line l : all) {
            l.seal(arrival ? null : within);
        }
        Ledger ledger = cycle.ledger;
        PriorityQueue<Line> heap = new PriorityQueue<>(Math.max(1, all.size()), (a, b) -> {
            int c = Integer.compare(b.headPriority, a.headPriority);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(a.borrowing, b.borrowing);
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
            l.refresh(ledger);
            heap.add(l);
        }
        return new JobQueue() {
            Line current;

            @Override
            public PendingJob next() {
                if (current != null) {
                    if (current.advance()) {
                        current.refresh(ledger);
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

    /**
     * One tenant's line: its priority levels, each a chain of indexes into the snapshot's pending list in
     * arrival order, or (when that order is not the configured one) a sorted list.
     */
    private static final class Line {
        final Ledger.TenantState tenant;
        final List<PendingJob> pending;
        final int[] next;
        int levels;
        int[] priority = new int[2];
        int[] first = new int[2];
        int[] last = new int[2];
        boolean[] outOfOrder = new boolean[2];
        /** Order and id of each level's last job, so the arrival check reads no earlier job. */
        long[] lastOrder = new long[2];
        long[] lastId = new long[2];
        /** Per level after {@link #seal}: null while the chain is walked, else the sorted jobs. */
        List<List<PendingJob>> sorted;
        int lastLevel = -1;
        int level;
        int at;
        int cursor;
        int headPriority;
        /**
         * 1 when the tenant already uses all its nominal quota on every model the head job accepts, else 0:
         * work of tenants still below their nominal goes first (a job that crosses nominal still counts as
         * in-quota, so jobs that leave pieces do not hold a tenant below its share).
         */
        int borrowing;
        double key;

        Line(Ledger.TenantState tenant, List<PendingJob> pending, int[] next) {
            this.tenant = tenant;
            this.pending = pending;
            this.next = next;
        }

        void add(int prio, PendingJob j, int index) {
            int k = lastLevel >= 0 && priority[lastLevel] == prio ? lastLevel : find(prio);
            if (k < 0) {
                if (levels == priority.length) {
                    int size = levels * 2;
                    priority = java.util.Arrays.copyOf(priority, size);
                    first = java.util.Arrays.copyOf(first, size);
                    last = java.util.Arrays.copyOf(last, size);
                    outOfOrder = java.util.Arrays.copyOf(outOfOrder, size);
                    lastOrder = java.util.Arrays.copyOf(lastOrder, size);
                    lastId = java.util.Arrays.copyOf(lastId, size);
                }
                k = levels++;
                priority[k] = prio;
                first[k] = index;
            } else {
                if (j.order() < lastOrder[k] || j.order() == lastOrder[k] && j.id() < lastId[k]) {
                    outOfOrder[k] = true; // checked here, while the job is in cache
                }
                next[last[k]] = index;
            }
            last[k] = index;
            lastOrder[k] = j.order();
            lastId[k] = j.id();
            next[index] = -1;
            lastLevel = k;
        }

        private int find(int prio) {
            for (int k = 0; k < levels; k++) {
                if (priority[k] == prio) {
                    return k;
                }
            }
            return -1;
        }

        void seal(Comparator<PendingJob> within) {
            Integer[] idx = new Integer[levels];
            for (int k = 0; k < levels; k++) {
                idx[k] = k;
            }
            java.util.Arrays.sort(idx, (a, b) -> Integer.compare(priority[b], priority[a]));
            int[] p = new int[levels];
            int[] f = new int[levels];
            List<List<PendingJob>> lists = new ArrayList<>(levels);
            boolean anySorted = false;
            for (int r = 0; r < levels; r++) {
                int k = idx[r];
                p[r] = priority[k];
                f[r] = first[k];
                List<PendingJob> list = null;
                if (within == null ? outOfOrder[k] : !chainSorted(first[k], within)) {
                    list = new ArrayList<>();
                    for (int i = first[k]; i >= 0; i = next[i]) {
                        list.add(pending.get(i));
                    }
                    list.sort(within == null ? SortedOrder.ARRIVAL : within);
                    anySorted = true;
                }
                lists.add(list);
            }
            priority = p;
            first = f;
            sorted = anySorted ? lists : null;
            level = 0;
            at = 0;
            cursor = first[0];
        }

        private boolean chainSorted(int from, Comparator<PendingJob> within) {
            PendingJob prev = null;
            for (int i = from; i >= 0; i = next[i]) {
                PendingJob j = pending.get(i);
                if (prev != null && within.compare(prev, j) > 0) {
                    return false;
                }
                prev = j;
            }
            return true;
        }

        private List<PendingJob> sortedLevel() {
            return sorted == null ? null : sorted.get(level);
        }

        PendingJob head() {
            List<PendingJob> l = sortedLevel();
            return l != null ? l.get(at) : pending.get(cursor);
        }

        /** Moves past the head; false when the line is empty. */
        boolean advance() {
            List<PendingJob> l = sortedLevel();
            boolean more = l != null ? ++at < l.size() : (cursor = next[cursor]) >= 0;
            if (!more) {
                level++;
                at = 0;
                if (level < levels) {
                    cursor = first[level];
                }
            }
            return level < levels;
        }

        void refresh(Ledger ledger) {
            headPriority = priority[level];
            borrowing = withinNominalSomewhere(ledger, head()) ? 0 : 1;
            key = ledger.fairKey(tenant);
        }

        private boolean withinNominalSomewhere(Ledger ledger, PendingJob j) {
            if (j.totalMilliCards() == 0) {
                return true;
            }
            long milli = 1; // below nominal now, whatever the job's size
            var accepted = j.perTask().accelerators();
            if (accepted.isEmpty()) {
                for (int m = 0; m < ledger.models.length; m++) {
                    if (ledger.withinNominal(tenant, m, milli)) {
                        return true;
                    }
                }
                return false;
            }
            for (var a : accepted) {
                Integer m = ledger.modelIndex.get(a.model());
                if (m != null && ledger.withinNominal(tenant, m, milli)) {
                    return true;
                }
            }
            return false;
        }
    }
}
