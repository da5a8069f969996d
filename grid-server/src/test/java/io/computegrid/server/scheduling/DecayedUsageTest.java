package io.computegrid.server.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

/** Fair share's decayed usage: the integral of held cards under the configured half-life. */
class DecayedUsageTest {
    static final double DAY = 86_400;

    /** The same integral by the midpoint rule, one second per step. */
    static double numeric(double cards, double ageStart, double ageEnd, double halfLife) {
        double sum = 0;
        for (double a = ageEnd; a < ageStart; a++) {
            sum += cards * Math.pow(0.5, (a + 0.5) / halfLife);
        }
        return sum;
    }

    @Test
    void matchesTheIntegralOfHeldCards() {
        assertThat(SnapshotLoader.decayedCardSeconds(4, 3 * DAY, DAY, DAY))
                .isCloseTo(numeric(4, 3 * DAY, DAY, DAY), offset(1.0));
        // a task still running (age_end 0) for an hour, half-life a week: almost all of 4 x 3,600 (weight at
        // the midpoint, half an hour old: 2^(-1/336))
        assertThat(SnapshotLoader.decayedCardSeconds(4, 3600, 0, 7 * DAY))
                .isCloseTo(14_400 * Math.pow(0.5, 1800 / (7 * DAY)), offset(1.0)).isLessThan(14_400);
        // ten half-lives ago weighs under a thousandth
        assertThat(SnapshotLoader.decayedCardSeconds(1, 10 * DAY + 3600, 10 * DAY, DAY)).isLessThan(3600 / 1000.0);
    }

    @Test
    void theHalfLifeSettingChangesTheWeightOfOldWork() {
        double week = SnapshotLoader.decayedCardSeconds(8, 2 * DAY + 7200, 2 * DAY, 7 * DAY);
        double day = SnapshotLoader.decayedCardSeconds(8, 2 * DAY + 7200, 2 * DAY, DAY);
        assertThat(week).isCloseTo(8 * 7200 * Math.pow(0.5, (2 * DAY + 3600) / (7 * DAY)), offset(50.0));
        assertThat(day).isCloseTo(8 * 7200 * Math.pow(0.5, (2 * DAY + 3600) / DAY), offset(50.0));
        assertThat(week / day).isGreaterThan(3);
    }

    @Test
    void badAgesCountNothingNegative() {
        assertThat(SnapshotLoader.decayedCardSeconds(2, 100, 200, DAY)).isZero();
        assertThat(SnapshotLoader.decayedCardSeconds(2, -5, -10, DAY)).isZero();
    }
}
