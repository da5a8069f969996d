package io.computegrid.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.model.Clock;
import io.computegrid.model.Objective;
import io.computegrid.model.Quota;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ScenarioTest {
    static Plan run(String policy, Fed f, long now) {
        return Policies.byName(policy).schedule(f.snapshot(), Clock.fixed(now));
    }

    static List<Long> started(Plan p) {
        return p.starts().stream().map(Placement::jobId).collect(Collectors.toList());
    }

    @Test
    void allPoliciesExist() {
        for (String n : Policies.NAMES) {
            assertThat(Policies.byName(n).name()).isEqualTo(n);
        }
    }

    @Test
    void placesSimpleJobs() {
        Fed f = Fed.create().center("c1", "a100", "nvidia-a100", 2, 8);
        f.job(1, "t", 1, 4, 60);
        f.job(2, "t", 2, 8, 60);
        f.job(3, "t", 1, 4, 60);
        for (String policy : Policies.NAMES) {
            Plan p = run(policy, f, 0);
            if (policy.equals("fifo")) {
                assertThat(started(p)).containsExactly(1L);
                assertThat(p.waiting().get(3L).code()).isEqualTo("BEHIND");
            } else {
                assertThat(started(p)).as(policy).containsExactly(1L, 3L);
            }
            assertThat(p.waiting()).as(policy).containsKey(2L);
        }
    }

    @Test
    void gangPacksIntoFewestNodes() {
        Fed f = Fed.create().center("c1", "a100", "nvidia-a100", 4, 8);
        f.run(100, "x", 100, 0, 600, 4, "c1-a100-0");
        f.job(1, "t", 2, 4, 60);
        Plan p = run("default", f, 0);
        Placement pl = p.starts().get(0);
        assertThat(pl.tasks().stream().map(TaskAllocation::node).distinct().count()).isEqualTo(1);
    }
}
