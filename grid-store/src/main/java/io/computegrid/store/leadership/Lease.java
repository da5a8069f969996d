package io.computegrid.store.leadership;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership won at one fencing epoch, held by the election's session. Renewed every
 * {@link LeaseTiming#renew()}: the renewal is also the probe of the session. The lease is lost, for good,
 * when a renewal fails, the epoch moved on, a fenced write was refused ({@link #lose}), or the last
 * successful renewal is older than {@link LeaseTiming#leaseTimeout()}; listeners hear it once.
 * {@link #check()} before every action outside the database.
 */
public final class Lease implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Lease.class);

    private final Connection session;
    private final long epoch;
    private final Optional<LeaderRecord> previous;
    private final LeaderElection.Candidate me;
    private final LeaseTiming timing;
    private final ScheduledExecutorService renewer;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> lost = new AtomicReference<>();
    /** System.nanoTime() when the last successful renewal was sent. */
    private volatile long renewedSentNanos;
    private volatile boolean closed;

    Lease(Connection session, long epoch, Optional<LeaderRecord> previous, LeaderElection.Candidate me,
          LeaseTiming timing) {
        this.session = session;
        this.epoch = epoch;
        this.previous = previous;
        this.me = me;
        this.timing = timing;
        this.renewedSentNanos = System.nanoTime();
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "grid-lease");
            t.setDaemon(true);
            return t;
        });
        long every = timing.renew().toMillis();
        renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    public long epoch() {
        return epoch;
    }

    /** The leader before this one, as it was when this lease was won. */
    public Optional<LeaderRecord> previous() {
        return previous;
    }

    /**
     * How long to wait before acting again on work the previous leader may still be acting on: until its
     * own lease has surely run out (it stopped itself then). Zero after a clean step-down or on a new database.
     */
    public Duration previousLeaderQuietIn() {
        if (previous.isEmpty() || previous.get().released()) {
            return Duration.ZERO;
        }
        Duration left = timing.leaseTimeout().minus(previous.get().sinceRenewal());
        return left.isNegative() ? Duration.ZERO : left;
    }

    public LeaseTiming timing() {
        return timing;
    }

    /** True while this server may act: not lost, and renewed within the lease timeout. */
    public boolean isValid() {
        if (lost.get() != null) {
            return false;
        }
        if (System.nanoTime() - renewedSentNanos > timing.leaseTimeout().toNanos()) {
            lose("the leadership lease was not renewed for " + timing.leaseTimeout().toSeconds() + " s");
            return false;
        }
        return true;
    }

    /** How long ago the last successful renewal was sent: the age of what this lease knows of the database. */
    public Duration sinceRenewal() {
        return Duration.ofNanos(System.nanoTime() - renewedSentNanos);
    }

    /** Throws unless this server may still act (call right before anything done outside the database). */
    public void check() {
        if (!isValid()) {
            throw new LeadershipLostException(lost.get());
        }
    }

    /** Why leadership was lost, or null while it holds. */
    public String lostReason() {
        return lost.get();
    }

    /** Called once, on some thread of the lease or of the caller of {@link #lose}, when leadership is lost. */
    public void onLost(Consumer<String> listener) {
        listeners.add(listener);
        String why = lost.get();
        if (why != null && !closed) {
            listener.accept(why);
        }
    }

    /** Gives leadership up for good (a renewal failed, a write was fenced off): stop acting at once. */
    public void lose(String reason) {
        if (closed || !lost.compareAndSet(null, reason)) {
            return;
        }
        log.error("lost leadership (epoch {}): {}", epoch, reason);
        renewer.shutdown();
        LeaderElection.closeQuietly(session);
        for (Consumer<String> l : listeners) {
            try {
                l.accept(reason);
            } catch (RuntimeException e) {
                log.warn("leadership listener failed", e);
            }
        }
    }

    private void renew() {
        if (lost.get() != null || closed) {
            return;
        }
        long sent = System.nanoTime();
        try {
            if (!LeaderTable.renew(session, epoch)) {
                lose("another server took over (the epoch moved past " + epoch + ")");
                return;
            }
            renewedSentNanos = sent;
        } catch (SQLException e) {
            if (!closed) {
                lose("the database connection holding leadership failed: "
                        + (e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("")));
            }
            return;
        }
        isValid(); // a renewal that came back too late still loses the lease
    }

    /** Steps down: marks the row released (the next leader need not wait) and ends the session, freeing the lock. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        renewer.shutdownNow();
        if (lost.get() == null) {
            try {
                LeaderTable.release(session, epoch);
            } catch (SQLException e) {
                log.debug("release of epoch {} not recorded: {}", epoch, e.getMessage());
            }
        }
        LeaderElection.closeQuietly(session);
        log.info("stepped down from epoch {} ({})", epoch, me.holder());
    }
}
