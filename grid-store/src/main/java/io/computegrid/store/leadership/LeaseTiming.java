package io.computegrid.store.leadership;

import java.time.Duration;

/**
 * The clocks of leader election (docs/decisions/ha-leader-election.md). The invariant that keeps an old
 * leader from acting after a new one won: {@code leaseTimeout < serverIdleTimeout}. The old leader stops
 * acting {@code leaseTimeout} after it sent its last successful renewal; PostgreSQL frees its lock no
 * earlier than {@code serverIdleTimeout} after that renewal finished (unless its process died, and then it
 * acts no more either).
 *
 * @param poll             how often a standby tries the lock
 * @param renew            how often the leader renews (and so probes its session)
 * @param leaseTimeout     the leader stops acting when its last successful renewal is older than this
 * @param serverIdleTimeout PostgreSQL ends the leader's session (freeing the lock) after this long idle
 * @param socketTimeout    a statement on the election session that takes longer fails
 */
public record LeaseTiming(Duration poll, Duration renew, Duration leaseTimeout, Duration serverIdleTimeout,
                          Duration socketTimeout) {
    public static final LeaseTiming DEFAULT = new LeaseTiming(Duration.ofMillis(250), Duration.ofSeconds(1),
            Duration.ofSeconds(5), Duration.ofSeconds(8), Duration.ofSeconds(2));

    public LeaseTiming {
        if (leaseTimeout.compareTo(serverIdleTimeout) >= 0) {
            throw new IllegalArgumentException("leaseTimeout must be shorter than serverIdleTimeout");
        }
        if (renew.multipliedBy(2).compareTo(leaseTimeout) > 0 || socketTimeout.compareTo(leaseTimeout) >= 0) {
            throw new IllegalArgumentException("renew twice and time out a statement within one leaseTimeout");
        }
    }
}
