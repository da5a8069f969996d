package io.computegrid.serving;

/**
 * What the autoscaler decided at one tick: the replicas it wants, its mode, the averages it decided on (in-flight
 * requests over the stable and panic windows) and why, in words for the service view.
 */
public record Decision(int desired, Mode mode, double stableConcurrency, double panicConcurrency, String reason) {
    /** Stable: follow the stable window up and down. Panic: a burst; follow the panic window up, never down. */
    public enum Mode {
        STABLE, PANIC;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
