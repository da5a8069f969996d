package io.computegrid.agent;

import java.util.concurrent.ThreadLocalRandom;

/** Waits between retries: doubling from {@code first} up to {@code cap}, with some jitter so agents do not march in step. */
final class Backoff {
    private final long first;
    private final long cap;
    private long next;

    Backoff(long firstMillis, long capMillis) {
        this.first = firstMillis;
        this.cap = capMillis;
        this.next = firstMillis;
    }

    /** Sleeps the next delay; false when interrupted (the agent is stopping). */
    boolean pause() {
        long d = next;
        next = Math.min(cap, next * 2);
        long jitter = d / 5;
        try {
            Thread.sleep(Math.max(1, d - jitter + ThreadLocalRandom.current().nextLong(2 * jitter + 1)));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void reset() {
        next = first;
    }
}
