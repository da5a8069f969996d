package io.computegrid.server.gateway;

/**
 * In-flight requests of one service (held ones included), integrated over time: a sample is the exact average
 * concurrency since the previous sample, so requests shorter than the sampling period still count.
 */
public final class ConcurrencyMeter {
    private int current;
    private double area;
    private long lastChange = System.nanoTime();
    private long lastSample = lastChange;

    /** The average since the last sample and how long that was. */
    public record Sample(double average, long lengthNanos) {
    }

    public synchronized void begin() {
        advance(System.nanoTime());
        current++;
    }

    public synchronized void end() {
        advance(System.nanoTime());
        current--;
    }

    public synchronized int current() {
        return current;
    }

    public synchronized Sample sample() {
        long now = System.nanoTime();
        advance(now);
        long length = now - lastSample;
        double avg = length > 0 ? area / length : current;
        area = 0;
        lastSample = now;
        return new Sample(avg, length);
    }

    private void advance(long now) {
        area += (double) current * (now - lastChange);
        lastChange = now;
    }
}
