package io.computegrid.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.computegrid.config.FederationConfig;
import io.computegrid.config.FederationConfigParser;
import io.computegrid.model.Clock;
import io.computegrid.scheduler.FreeCapacity;
import io.computegrid.scheduler.PendingJob;
import io.computegrid.scheduler.Placement;
import io.computegrid.scheduler.Plan;
import io.computegrid.scheduler.Preemption;
import io.computegrid.scheduler.Reason;
import io.computegrid.scheduler.RunningJob;
import io.computegrid.scheduler.Scheduler;
import io.computegrid.scheduler.Snapshot;
import io.computegrid.scheduler.TaskAllocation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The preemption cost model on one node of 4 cards: job L (4 cards, 100 s) starts at 0; urgent job U
 * (4 cards, 10 s) arrives at 50 and preempts it; U runs 50-60; L restarts at 60 with a 5 s restart
 * overhead and the work it had checkpointed kept.
 */
class PreemptionCostTest {
    /** Starts jobs first fit, urgent tenant first; preempts everything else for an urgent job without room. */
    static final class UrgentFirst implements Scheduler {
        final List<Snapshot> seen = new ArrayList<>();

        @Override
        public String name() {
            return "urgent-first";
        }

        @Override
        public Plan schedule(Snapshot s, Clock clock) {
            seen.add(s);
            FreeCapacity free = new FreeCapacity(s);
            List<PendingJob> queue = new ArrayList<>(s.pending());
            queue.sort(Comparator.comparing((PendingJob j) -> !j.tenant().equals("urgent"))
                    .thenComparingLong(PendingJob::order));
            List<Placement> starts = new ArrayList<>();
            for (PendingJob j : queue) {
                List<TaskAllocation> got = new ArrayList<>();
                for (int n = 0; n < free.size() && got.size() < j.tasks(); n++) {
                    TaskAllocation a = free.fit(n, got.size(), j.perTask().milliCards(), 0, 0);
                    if (a != null) {
                        free.commit(a);
                        got.add(a);
                    }
                }
                if (got.size() == j.tasks()) {
                    var node = free.node(0);
                    starts.add(new Placement(j.id(), node.center(), node.pool(), node.accelerator(), got,
                            new Reason("test", "PLACED", "fits")));
                } else {
                    got.forEach(free::rollback);
                    if (j.tenant().equals("urgent")) {
                        List<Preemption> victims = new ArrayList<>();
                        for (RunningJob r : s.running()) {
                            victims.add(new Preemption(r.id(), j.id(), new Reason("test", "PREEMPT", "urgent")));
                        }
                        return new Plan(starts, victims, List.of(), Map.of());
                    }
                }
            }
            return new Plan(starts, List.of(), List.of(), Map.of());
        }
    }

    static final String FED = """
            centers:
              - name: lab
                pools:
                  - {name: a100, accelerator: nvidia-a100, nodes: 1, acceleratorsPerNode: 4}
            tenants:
              - {name: batch, quota: {nvidia-a100: 4}}
              - {name: urgent, quota: {nvidia-a100: 4}}
            """;

    @ParameterizedTest(name = "checkpoint every {0} s: L ends at {1} s, {2} card-seconds lost")
    @CsvSource({"20, 125, 40", "0, 115, 0", "-1, 165, 200"})
    void preemptedJobKeepsCheckpointedWorkAndPaysRestart(long ckptSeconds, long end, double lostCardSeconds) {
        FederationConfig fed = FederationConfigParser.parse(FED, "test");
        List<JobRecord> rows = new ArrayList<>();
        UrgentFirst scheduler = new UrgentFirst();
        SimOptions opts = SimOptions.defaults().withPreemptionCost(5_000, ckptSeconds < 0 ? -1 : ckptSeconds * 1000);
        SimResult r = new SimEngine(fed, scheduler, opts).sinks(rows::add, null, null).run(List.of(
                HandComputedTraceTest.job("L", "batch", 0, 100, 4),
                HandComputedTraceTest.job("U", "urgent", 50, 10, 4)).iterator(), 2);
        JobRecord u = rows.stream().filter(x -> x.jobId().equals("U")).findFirst().orElseThrow();
        JobRecord l = rows.stream().filter(x -> x.jobId().equals("L")).findFirst().orElseThrow();
        assertThat(u.start()).isEqualTo(50_000);
        assertThat(u.end()).isEqualTo(60_000);
        assertThat(l.start()).isEqualTo(0);
        assertThat(l.preemptions()).isEqualTo(1);
        assertThat(l.end()).isEqualTo(end * 1000);
        Map<String, Object> s = r.summary();
        assertThat(s.get("preemptions")).isEqualTo(1L);
        assertThat((double) s.get("lostGpuHours")).isCloseTo(lostCardSeconds / 3600, within(1e-4));
        // the requeued job tells the scheduler what it already received and what is left
        PendingJob requeued = scheduler.seen.stream().flatMap(x -> x.pending().stream())
                .filter(p -> p.attainedServiceMillis() > 0).findFirst().orElseThrow();
        assertThat(requeued.attainedServiceMillis()).isEqualTo(4 * 50_000);
        long keptSeconds = ckptSeconds == 0 ? 50 : ckptSeconds < 0 ? 0 : 40;
        assertThat(requeued.runtimeHintMillis()).isEqualTo((100 - keptSeconds) * 1000);
    }

    @Test
    void runningJobsReportTheirLastCheckpoint() {
        FederationConfig fed = FederationConfigParser.parse(FED, "test");
        UrgentFirst scheduler = new UrgentFirst();
        new SimEngine(fed, scheduler, SimOptions.defaults().withPreemptionCost(5_000, 20_000)).run(List.of(
                HandComputedTraceTest.job("L", "batch", 0, 100, 4),
                HandComputedTraceTest.job("U", "urgent", 50, 10, 4)).iterator(), 2);
        RunningJob atFifty = scheduler.seen.stream().filter(x -> !x.running().isEmpty()).findFirst().orElseThrow()
                .running().get(0);
        assertThat(atFifty.lastCheckpointAt()).isEqualTo(40_000);
    }
}
