package io.computegrid.serving;

/**
 * Replacement delay for a crash-looping service: after n consecutive replica failures the next replica waits
 * 1 s x 2^(n-1), at most 60 s (Kubernetes' CrashLoopBackOff, shortened: replicas start in seconds). A ready
 * replica resets the count.
 */
public final class Backoff {
    public static final long BASE_MILLIS = 1_000;
    public static final long CAP_MILLIS = 60_000;

    private Backoff() {
    }

    public static long delayMillis(int consecutiveFailures) {
        if (consecutiveFailures <= 0) {
            return 0;
        }
        int shift = Math.min(consecutiveFailures - 1, 16);
        return Math.min(CAP_MILLIS, BASE_MILLIS << shift);
    }
}
