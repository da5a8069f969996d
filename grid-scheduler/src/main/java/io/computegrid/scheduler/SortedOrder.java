package io.computegrid.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Ordering plugins over one global line: "fifo" (arrival order), "sjf" (shortest true duration first,
 * an oracle: {@link PendingJob#runtimeHintMillis()}), "las" (Tiresias 2D-LAS: queues by attained
 * card-seconds against thresholds, arrival order inside a queue). The line is sorted only when the
 * snapshot's order is not already right (a queue that arrives in order costs one pass).
 */
final class SortedOrder implements Ordering {
    private final String name;
    private final java.util.function.Function<Cycle, Comparator<PendingJob>> comparator;

    /** @param comparator the order for one cycle (las reads the cycle's thresholds and clock) */
    private SortedOrder(String name, java.util.function.Function<Cycle, Comparator<PendingJob>> comparator) {
        this.name = name;
        this.comparator = comparator;
    }

    static final Comparator<PendingJob> ARRIVAL = Comparator.comparingLong(PendingJob::order)
            .thenComparingLong(PendingJob::id);

    static SortedOrder fifo() {
        return new SortedOrder("fifo", c -> ARRIVAL);
    }

    static SortedOrder sjf() {
        Comparator<PendingJob> byHint = Comparator.comparingLong(SortedOrder::hint).thenComparing(ARRIVAL);
        return new SortedOrder("sjf", c -> byHint);
    }

    static long hint(PendingJob j) {
        return j.runtimeHintMillis() > 0 ? j.runtimeHintMillis() : Long.MAX_VALUE;
    }

    /**
     * The 2D-LAS queue of a job: the index of the first threshold above its attained card-seconds; the
     * first queue for a job that ran before and has waited {@code scheduler.las.starveFactor} times its
     * last run since (Tiresias' starvation avoidance).
     */
    static int lasQueue(PendingJob j, SchedulerSettings s, long now) {
        double f = s.lasStarveFactor();
        if (f > 0 && j.lastRunMillis() > 0 && now - j.queuedAt() >= f * j.lastRunMillis()) {
            return 0;
        }
        return lasQueue(j, s.lasThresholdsCardSeconds());
    }

    /** The 2D-LAS queue of a job by attained service alone. */
    static int lasQueue(PendingJob j, List<Long> thresholds) {
        return LasPreemptor.queue(j.attainedServiceMillis() / 1000, thresholds);
    }

    /** 2D-LAS with the thresholds and starvation factor of each cycle's settings ({@code scheduler.las}). */
    static SortedOrder las() {
        return new SortedOrder("las", c -> Comparator.comparingInt((PendingJob j) -> lasQueue(j, c.settings, c.now))
                .thenComparing(ARRIVAL));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public JobQueue queue(Cycle cycle) {
        List<PendingJob> list = cycle.snapshot.pending();
        Comparator<PendingJob> cmp = comparator.apply(cycle);
        if (!sorted(list, cmp)) {
            list = new ArrayList<>(list);
            list.sort(cmp);
        }
        List<PendingJob> line = list;
        return new JobQueue() {
            int at;

            @Override
            public PendingJob next() {
                return at < line.size() ? line.get(at++) : null;
            }
        };
    }

    /** Whether the list is in arrival order (order, then id), checked without comparator calls. */
    static boolean sortedByArrival(List<PendingJob> list) {
        long lastOrder = Long.MIN_VALUE;
        long lastId = Long.MIN_VALUE;
        for (int i = 0; i < list.size(); i++) {
            PendingJob j = list.get(i);
            long o = j.order();
            if (o < lastOrder || (o == lastOrder && j.id() < lastId)) {
                return false;
            }
            lastOrder = o;
            lastId = j.id();
        }
        return true;
    }

    static boolean sorted(List<PendingJob> list, Comparator<PendingJob> cmp) {
        if (cmp == ARRIVAL) {
            return sortedByArrival(list);
        }
        for (int i = 1; i < list.size(); i++) {
            if (cmp.compare(list.get(i - 1), list.get(i)) > 0) {
                return false;
            }
        }
        return true;
    }
}
