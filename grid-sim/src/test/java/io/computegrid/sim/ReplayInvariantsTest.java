package io.computegrid.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.config.FederationConfig;
import io.computegrid.config.FederationConfigParser;
import io.computegrid.scheduler.Policies;
import io.computegrid.sim.trace.TraceJob;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Invariants of any replay, for random traces and every policy. */
class ReplayInvariantsTest {
    static final FederationConfig FED = FederationConfigParser.parse("""
            centers:
              - name: a
                pools: [{name: p, accelerator: nvidia-a100, nodes: 2, acceleratorsPerNode: 8}]
              - name: b
                pools: [{name: q, accelerator: nvidia-v100, nodes: 3, acceleratorsPerNode: 4}]
            tenants:
              - {name: t1, quota: {nvidia-a100: 8, nvidia-v100: 6}}
              - {name: t2, quota: {nvidia-a100: 8, nvidia-v100: 6}}
            """, "fed");

    @Provide
    Arbitrary<List<TraceJob>> traces() {
        Arbitrary<TraceJob> job = Combinators.combine(Arbitraries.integers().between(0, 500),
                Arbitraries.integers().between(0, 400), Arbitraries.of(250, 500, 1000, 2000, 4000, 8000, 16000, 32000),
                Arbitraries.of("t1", "t2", "t3"), Arbitraries.of("", "nvidia-a100", "nvidia-v100"))
                .as((submit, dur, milli, tenant, model) -> new TraceJob(1, "j", tenant, submit * 1000L,
                        dur * 1000L, milli, 0, 0, model.isEmpty() ? List.of() : List.of(model), 0, null));
        return job.list().ofMinSize(1).ofMaxSize(40).map(list -> {
            List<TraceJob> sorted = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                sorted.add(list.get(i).withJobId("j" + i));
            }
            sorted.sort(Comparator.comparingLong(TraceJob::submitMillis));
            return sorted;
        });
    }

    @Property(tries = 40)
    void everyJobIsAccountedOnceAndTimesAreConsistent(@ForAll("traces") List<TraceJob> trace,
                                                      @ForAll @IntRange(min = 0, max = 6) int policyIndex) {
        String policy = Policies.NAMES.get(policyIndex);
        List<JobRecord> rows = new ArrayList<>();
        SimResult r = new SimEngine(FED, Policies.byName(policy), SimOptions.defaults().withPolicy(policy))
                .sinks(rows::add, null, null).run(trace.iterator(), trace.size());
        Set<String> ids = new HashSet<>();
        for (JobRecord row : rows) {
            assertThat(ids.add(row.jobId())).as("one row per job").isTrue();
        }
        assertThat(ids).hasSize(trace.size());
        Map<String, TraceJob> byId = new java.util.HashMap<>();
        trace.forEach(j -> byId.put(j.jobId(), j));
        for (JobRecord row : rows) {
            TraceJob j = byId.get(row.jobId());
            switch (row.status()) {
                case "completed" -> {
                    assertThat(row.start()).isGreaterThanOrEqualTo(j.submitMillis());
                    // no speed-ups configured: a job never ends sooner than its duration after it first started
                    assertThat(row.end() - row.start()).isGreaterThanOrEqualTo(j.durationMillis());
                }
                case "rejected" -> assertThat(row.start()).isEqualTo(-1);
                case "pending" -> assertThat(row.end()).isEqualTo(-1);
                default -> throw new AssertionError("unexpected status " + row.status() + " under " + policy);
            }
        }
        Map<String, Object> s = r.summary();
        assertThat((double) s.get("utilization")).isBetween(0.0, 1.0);
        assertThat((double) s.get("jainFairness")).isBetween(0.0, 1.0 + 1e-9);
        if ((int) s.get("finished") > 0 && (long) s.get("unfinished") == 0) {
            assertThat((double) s.get("makespanSeconds")).isGreaterThanOrEqualTo(
                    (double) s.get("makespanLowerBoundSeconds") - 1e-3);
        }
        // t3 is not in the federation: always rejected
        rows.stream().filter(x -> x.tenant().equals("t3")).forEach(x -> assertThat(x.status()).isEqualTo("rejected"));
        // same input, same rows
        List<JobRecord> again = new ArrayList<>();
        new SimEngine(FED, Policies.byName(policy), SimOptions.defaults().withPolicy(policy))
                .sinks(again::add, null, null).run(trace.iterator(), trace.size());
        assertThat(again).isEqualTo(rows);
    }
}
