package io.computegrid.store.leadership;

import java.time.Duration;
import java.time.Instant;

/**
 * The one row of {@code grid_leadership.leader}: who leads, at which fencing epoch, since when and when it
 * last renewed, read together with the database's clock ({@code dbNow}) so that ages never mix two clocks.
 */
public record LeaderRecord(long epoch, String holder, String url, Instant acquiredAt, Instant renewedAt,
                           Instant releasedAt, Instant dbNow) {

    /** How long ago the holder last renewed, by the database's clock. */
    public Duration sinceRenewal() {
        return Duration.between(renewedAt, dbNow);
    }

    /** The holder stepped down cleanly (it stopped acting before it released). */
    public boolean released() {
        return releasedAt != null;
    }
}
