package io.computegrid.cli.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@code grid bench failover} run small: it works, and its correctness checks hold (its timings are not judged here). */
class FailoverBenchTest {
    @Test
    void twoRoundsOfKill9LoseNoJobAndDispatchNothingTwice() throws Exception {
        List<String> progress = new CopyOnWriteArrayList<>();
        Map<String, Object> r = FailoverBench.run(new FailoverBench.Options(2, 1, 2, Duration.ofMillis(300), null, false),
                progress::add);
        assertThat(r.get("rounds")).isEqualTo(2);
        assertThat((List<?>) r.get("failoverSeconds")).hasSize(2);
        assertThat((Double) r.get("failoverP99Seconds")).isPositive();
        assertThat((Double) r.get("coldRestartSeconds")).isPositive();
        assertThat((Long) r.get("jobsSucceeded")).isPositive().isEqualTo(((Integer) r.get("jobsAcknowledged")).longValue());
        assertThat((List<?>) r.get("jobsLost")).isEmpty();
        assertThat((List<?>) r.get("jobsNotSucceeded")).isEmpty();
        assertThat((List<?>) r.get("doubleStarts")).isEmpty();
        assertThat((List<?>) r.get("overlappingAttempts")).isEmpty();
        assertThat(r.get("zeroDoubleDispatch")).isEqualTo(true);
        assertThat((Integer) r.get("attemptsRequeued")).as("running jobs were recovered and requeued").isPositive();
        assertThat(progress).anyMatch(l -> l.startsWith("round 2/2"));
    }
}
