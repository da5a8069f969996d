package io.computegrid.store.leadership;

/** This server is no longer the active one (or cannot prove it still is): it must not act any more. */
public final class LeadershipLostException extends IllegalStateException {
    public LeadershipLostException(String reason) {
        super(reason);
    }
}
