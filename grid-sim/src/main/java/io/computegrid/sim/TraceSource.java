package io.computegrid.sim;

import io.computegrid.sim.trace.TraceException;
import io.computegrid.sim.trace.TraceFormat;
import io.computegrid.sim.trace.TraceJob;
import io.computegrid.sim.trace.TraceReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * A trace as the engine consumes it: validated once by a first streaming pass (every bad row is
 * found before the replay starts), then replayed in submit order with times from the trace start.
 * A sorted file is streamed again; an unsorted one (Philly's table) is held once in memory and
 * sorted. The fill experiment's source is the file order, then seeded draws from it.
 */
final class TraceSource {
    final Path file;
    final TraceFormat format;
    final long count;
    final long origin;
    final boolean sorted;
    final LinkedHashSet<String> tenants = new LinkedHashSet<>();
    final long windowFrom;
    final long windowTo;
    final long outsideWindow;
    /** Arrival speed-up: submit times from the trace start are divided by it (1: as recorded). */
    final double load;
    private TraceJob[] held;

    TraceSource(Path file, TraceFormat format, boolean fill) {
        this(file, format, fill, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Only jobs submitted in [from, to) (trace time: absolute ms for philly, ms from start otherwise). */
    TraceSource(Path file, TraceFormat format, boolean fill, long from, long to) {
        this(file, format, fill, from, to, 1);
    }

    /** As above, with arrivals {@code load} times as fast (2: the same jobs in half the time). */
    TraceSource(Path file, TraceFormat format, boolean fill, long from, long to, double load) {
        if (!(load > 0) || load > 1000) {
            throw new TraceException("--load must be a factor above 0 and at most 1000 (got " + load + ")");
        }
        this.load = load;
        this.file = file;
        this.format = format;
        this.windowFrom = from;
        this.windowTo = to;
        long outside = 0;
        long n = 0;
        long min = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        boolean inOrder = true;
        boolean timed = true;
        try (TraceReader r = format.open(file)) {
            while (r.hasNext()) {
                TraceJob j = r.next();
                if (!inWindow(j)) {
                    outside++;
                    continue;
                }
                n++;
                tenants.add(j.tenant());
                min = Math.min(min, j.submitMillis());
                inOrder &= j.submitMillis() >= last;
                last = j.submitMillis();
                timed &= j.durationMillis() >= 0;
            }
        }
        if (!timed && !fill) {
            throw new TraceException(file.getFileName() + ": has no creation/deletion times, so it can only be "
                    + "replayed with --fill (no departures)");
        }
        this.count = n;
        this.outsideWindow = outside;
        this.origin = format.absoluteTimes() && n > 0 ? min : 0;
        this.sorted = inOrder;
    }

    boolean inWindow(TraceJob j) {
        return j.submitMillis() >= windowFrom && j.submitMillis() < windowTo;
    }

    private Iterator<TraceJob> windowed(TraceReader r) {
        return new Iterator<>() {
            TraceJob next;

            @Override
            public boolean hasNext() {
                while (next == null && r.hasNext()) {
                    TraceJob j = r.next();
                    if (inWindow(j)) {
                        next = j;
                    }
                }
                if (next == null) {
                    r.close();
                }
                return next != null;
            }

            @Override
            public TraceJob next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                TraceJob j = next;
                next = null;
                return j;
            }
        };
    }

    private long scaled(long submit) {
        long t = submit - origin;
        return load == 1 ? t : Math.round(t / load);
    }

    /** The jobs in submit order, times relative to the trace start (divided by the load factor). */
    Iterator<TraceJob> replay() {
        if (sorted) {
            Iterator<TraceJob> r = windowed(format.open(file));
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return r.hasNext();
                }

                @Override
                public TraceJob next() {
                    TraceJob j = r.next();
                    return origin == 0 && load == 1 ? j : j.withSubmit(scaled(j.submitMillis()));
                }
            };
        }
        if (held == null) {
            held = new TraceJob[(int) count];
            int i = 0;
            Iterator<TraceJob> r = windowed(format.open(file));
            while (r.hasNext() && i < held.length) {
                TraceJob j = r.next();
                held[i++] = j.withSubmit(scaled(j.submitMillis()));
            }
            Arrays.sort(held, Comparator.comparingLong(TraceJob::submitMillis)); // stable: file order on ties
        }
        return Arrays.asList(held).iterator();
    }

    /**
     * The fill experiment: jobs in file order, one per second, running forever, until their GPU
     * requests reach {@code capacityMilli}; past the end of the file, jobs are drawn from it at random
     * (seeded) as the published experiment inflates the workload.
     */
    Iterator<TraceJob> fill(long capacityMilli, long seed) {
        List<TraceJob> all = new ArrayList<>((int) count);
        windowed(format.open(file)).forEachRemaining(all::add);
        SplittableRandom random = new SplittableRandom(seed);
        return new Iterator<>() {
            long requested;
            int i;

            @Override
            public boolean hasNext() {
                return !all.isEmpty() && requested < capacityMilli;
            }

            @Override
            public TraceJob next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                TraceJob j;
                if (i < all.size()) {
                    j = all.get(i);
                } else {
                    TraceJob src = all.get(random.nextInt(all.size()));
                    j = src.withJobId(src.jobId() + "-draw-" + (i - all.size() + 1));
                }
                requested += j.milliGpus();
                long t = i * 1000L;
                i++;
                return new TraceJob(j.line(), j.jobId(), j.tenant(), t, Long.MAX_VALUE / 4, j.milliGpus(),
                        j.cpuMilli(), j.memoryMiB(), j.gpuTypes(), 0, j.center(), j.dataCenter(), j.dataGb());
            }
        };
    }
}
