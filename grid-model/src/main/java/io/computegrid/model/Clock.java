package io.computegrid.model;

/**
 * Time, injected: the server passes the wall clock, the simulator a virtual one. The core never
 * reads the wall clock itself.
 */
@FunctionalInterface
public interface Clock {
    long nowMillis();

    static Clock fixed(long millis) {
        return () -> millis;
    }
}
