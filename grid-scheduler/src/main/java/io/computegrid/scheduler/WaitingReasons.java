package io.computegrid.scheduler;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The waiting reasons of a plan, immutable. Jobs the cycle considered carry their own reason; the
 * jobs it never reached (the scan stopped early) share one reason, filled in only when someone
 * reads them, so that a cycle over a million pending jobs does not build a million map entries.
 * Iteration follows the snapshot's pending order.
 */
final class WaitingReasons extends AbstractMap<Long, Reason> {
    private final Map<Long, Reason> explicit;
    private final Set<Long> started;
    private final List<PendingJob> pending;
    private final Reason unreached;
    private final int size;
    private volatile Map<Long, Reason> full;

    WaitingReasons(Map<Long, Reason> explicit, Set<Long> started, List<PendingJob> pending, Reason unreached) {
        this.explicit = explicit;
        this.started = started;
        this.pending = pending;
        this.unreached = unreached;
        this.size = Math.max(0, pending.size() - started.size());
        if (explicit.size() == size) {
            full = Collections.unmodifiableMap(explicit);
        }
    }

    private Map<Long, Reason> full() {
        Map<Long, Reason> f = full;
        if (f == null) {
            Map<Long, Reason> m = new LinkedHashMap<>(size * 2);
            for (PendingJob j : pending) {
                if (started.contains(j.id())) {
                    continue;
                }
                Reason r = explicit.get(j.id());
                m.put(j.id(), r != null ? r : unreached);
            }
            f = Collections.unmodifiableMap(m);
            full = f;
        }
        return f;
    }

    @Override
    public Reason get(Object key) {
        Reason r = explicit.get(key);
        return r != null ? r : full().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public int size() {
        return full().size();
    }

    @Override
    public Set<Entry<Long, Reason>> entrySet() {
        return full().entrySet();
    }
}
