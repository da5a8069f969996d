package io.computegrid.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The gateway's replica choice and the scale-down order. */
class RoutingTest {
    @Property(tries = 300)
    void picksAReplicaWithTheFewestOutstanding(@ForAll @Size(min = 1, max = 20) List<@IntRange(min = 0, max = 9) Integer> o,
                                              @ForAll long seed) {
        int[] out = o.stream().mapToInt(Integer::intValue).toArray();
        int i = LeastOutstanding.pick(out, new SplittableRandom(seed));
        assertThat(out[i]).isEqualTo(o.stream().mapToInt(Integer::intValue).min().orElseThrow());
    }

    @Test
    void tiesAreBrokenWithoutBias() {
        int[] counts = new int[4];
        SplittableRandom r = new SplittableRandom(7);
        int n = 40_000;
        for (int k = 0; k < n; k++) {
            counts[LeastOutstanding.pick(new int[]{2, 1, 1, 1}, r) > 0 ? LeastOutstanding.pick(new int[]{1, 1, 1, 1}, r)
                    : 0]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween((int) (n / 4 * 0.95), (int) (n / 4 * 1.05));
        }
        assertThat(LeastOutstanding.pick(new int[0], r)).isEqualTo(-1);
    }

    @Test
    void scaleDownTakesUnplacedFirstThenStartingThenTheLeastBusyReady() {
        List<ScaleDown.Replica> rs = List.of(
                new ScaleDown.Replica(1, ScaleDown.Phase.READY, 5),
                new ScaleDown.Replica(2, ScaleDown.Phase.READY, 0),
                new ScaleDown.Replica(3, ScaleDown.Phase.STARTING, 0),
                new ScaleDown.Replica(4, ScaleDown.Phase.PENDING, 0),
                new ScaleDown.Replica(5, ScaleDown.Phase.PENDING, 0),
                new ScaleDown.Replica(6, ScaleDown.Phase.READY, 0));
        assertThat(ScaleDown.choose(rs, 2)).containsExactly(5L, 4L);
        assertThat(ScaleDown.choose(rs, 5)).containsExactly(5L, 4L, 3L, 6L, 2L);
        assertThat(ScaleDown.choose(rs, 9)).hasSize(6);
    }

    @Test
    void backoffDoublesToItsCap() {
        assertThat(Backoff.delayMillis(0)).isZero();
        assertThat(Backoff.delayMillis(1)).isEqualTo(1_000);
        assertThat(Backoff.delayMillis(3)).isEqualTo(4_000);
        assertThat(Backoff.delayMillis(50)).isEqualTo(Backoff.CAP_MILLIS);
    }
}
