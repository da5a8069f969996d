package io.computegrid.scheduler;

import io.computegrid.model.Clock;

/**
 * The first scheduler's name, kept for callers that construct it: now the {@code fifo} configuration
 * of the plugin pipeline (strict arrival order, no backfill).
 *
 * @deprecated use {@code Policies.byName("fifo")}
 */
@Deprecated
public final class FifoFirstFitScheduler implements Scheduler {
    public static final String NAME = "fifo-firstfit";
    private final Scheduler delegate = Policies.byName("fifo");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Plan schedule(Snapshot snapshot, Clock clock) {
        return delegate.schedule(snapshot, clock);
    }
}
