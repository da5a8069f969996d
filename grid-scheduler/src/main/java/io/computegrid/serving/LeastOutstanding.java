package io.computegrid.serving;

import java.util.random.RandomGenerator;

/**
 * The gateway's replica choice: the ready replica with the fewest outstanding requests; among equals, each with
 * the same chance (reservoir sampling over the minima), so ties never favour the first replica in a list.
 */
public final class LeastOutstanding {
    private LeastOutstanding() {
    }

    /** The index of a replica with the fewest outstanding requests, or -1 for none. */
    public static int pick(int[] outstanding, RandomGenerator random) {
        int best = -1;
        int ties = 0;
        for (int i = 0; i < outstanding.length; i++) {
            int o = outstanding[i];
            if (best < 0 || o < outstanding[best]) {
                best = i;
                ties = 1;
            } else if (o == outstanding[best]) {
                ties++;
                if (random.nextInt(ties) == 0) {
                    best = i;
                }
            }
        }
        return best;
    }
}
