package io.computegrid.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.model.Clock;
import io.computegrid.model.Objective;
import io.computegrid.model.TaskResources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Node choice by CPU as well as cards (openb fill experiment, docs/validation.md): hand-made node sets where
 * a score of free cards alone strands cards behind exhausted CPU, and the best-fit and fragmentation scores
 * do not.
 */
class NodeFitTest {
    private static PendingJob job(Fed f, long id, int milli, int cpu) {
        return f.add(new PendingJob(id, "t", 100, f.seq++, 0, 1, new TaskResources(List.of(), milli, cpu, 1024), 0, 0,
                true, Objective.BALANCED, List.of(), List.of(), 0));
    }

    private static void node(Fed f, String name, int cpu) {
        for (int i = 0; i < f.nodes.size(); i++) {
            NodeInfo n = f.nodes.get(i);
            if (n.name().equals(name)) {
                f.nodes.set(i, new NodeInfo(n.name(), n.center(), n.pool(), n.accelerator(), n.cards(), cpu,
                        n.memoryMiB(), true));
            }
        }
    }

    private static void task(Fed f, long id, String node, int card, int cpu) {
        NodeInfo n = f.nodes.stream().filter(x -> x.name().equals(node)).findFirst().orElseThrow();
        f.running.add(new RunningJob(id, "t", 100, n.center(), n.pool(), n.accelerator(),
                List.of(new TaskAllocation(0, node, new int[]{card}, 1000, cpu, 1024)), 0, 0, 0, 0, true));
    }

    private static Map<Long, String> nodes(Plan p) {
        Map<Long, String> out = new HashMap<>();
        for (Placement pl : p.starts()) {
            out.put(pl.jobId(), pl.tasks().get(0).node());
        }
        return out;
    }

    /**
     * Two nodes with one free card each; the first listed has 30 free cores, the second 2. A card-only score
     * sees two equal nodes and gives the small job the first, so the CPU-heavy job after it finds no node.
     */
    @Test
    void cpuAwareFitKeepsTheCpuRichNodeForTheCpuHeavyTask() {
        for (String policy : List.of("bestfit", "default")) {
            Fed f = Fed.create().center("c1", "g", "nvidia-a100", 2, 4);
            node(f, "c1-g-0", 31_000);
            node(f, "c1-g-1", 3_000);
            for (int c = 0; c < 3; c++) {
                task(f, 100 + c, "c1-g-0", c, 0);
                task(f, 110 + c, "c1-g-1", c, 0);
            }
            f.running.set(0, withCpu(f.running.get(0), 1_000));
            f.running.set(1, withCpu(f.running.get(1), 1_000));
            job(f, 1, 1000, 2_000);
            job(f, 2, 1000, 20_000);
            Plan p = Policies.byName(policy).schedule(f.snapshot(), Clock.fixed(0));
            assertThat(nodes(p)).as(policy).containsEntry(1L, "c1-g-1").containsEntry(2L, "c1-g-0");
        }
    }

    /**
     * A CPU-only task between a GPU-rich node short of CPU (2 free cards, 16 free cores) and a CPU-rich one
     * (4 free cards, 64 cores), with one-card, 4-core tasks running and arriving. A node chosen by fewest free
     * cards takes the CPU-only task's 14 cores from the GPU-rich node and strands both its cards; the
     * fragmentation score sends it to the CPU-rich node, and every card is used.
     */
    @Test
    void fragmentationScoreKeepsCpuOnlyTasksOffCpuShortGpuNodes() {
        Fed f = Fed.create().center("c1", "big", "nvidia-a100", 1, 8).center("c1", "small", "nvidia-a100", 1, 4);
        node(f, "c1-big-0", 40_000);
        node(f, "c1-small-0", 64_000);
        for (int c = 0; c < 6; c++) {
            task(f, 100 + c, "c1-big-0", c, 4_000);
        }
        job(f, 1, 0, 14_000);
        for (long id = 2; id <= 7; id++) {
            job(f, id, 1000, 4_000);
        }
        Plan p = Policies.byName("default").schedule(f.snapshot(), Clock.fixed(0));
        assertThat(nodes(p)).containsEntry(1L, "c1-small-0");
        assertThat(p.starts()).hasSize(7);
        assertThat(p.waiting()).isEmpty();
    }

    /** A fraction goes on the partly used card it leaves with the least, under both scores. */
    @Test
    void fractionGoesOnTheCardItFillsBest() {
        for (String policy : List.of("bestfit", "default")) {
            Fed f = Fed.create().center("c1", "g", "nvidia-a100", 1, 4);
            List<RunningJob> rs = new ArrayList<>();
            rs.add(new RunningJob(100, "t", 100, "c1", "g", "nvidia-a100",
                    List.of(new TaskAllocation(0, "c1-g-0", new int[]{1}, 300, 1000, 1024)), 0, 0, 0, 0, true));
            rs.add(new RunningJob(101, "t", 100, "c1", "g", "nvidia-a100",
                    List.of(new TaskAllocation(0, "c1-g-0", new int[]{2}, 600, 1000, 1024)), 0, 0, 0, 0, true));
            f.running.addAll(rs);
            job(f, 1, 400, 1_000);
            Plan p = Policies.byName(policy).schedule(f.snapshot(), Clock.fixed(0));
            TaskAllocation t = p.starts().get(0).tasks().get(0);
            assertThat(t.cards()).as(policy).containsExactly(2);
            assertThat(t.milliPerCard()).isEqualTo(400);
        }
    }

    /**
     * Running tasks that only accept T4 cards make T4 cards precious: a task that accepts any model goes to the
     * A100 node, although the T4 node would fit it tighter, once the running jobs say which models they accept.
     */
    @Test
    void unconstrainedTasksLeaveCardsToTasksLimitedToTheirModel() {
        for (boolean known : new boolean[]{true, false}) {
            Fed f = Fed.create().center("c1", "a", "nvidia-a100", 1, 4).center("c1", "t", "nvidia-t4", 1, 4);
            for (int c = 0; c < 2; c++) {
                f.running.add(new RunningJob(100 + c, "t", 100, "c1", "t", "nvidia-t4",
                        List.of(new TaskAllocation(0, "c1-t-0", new int[]{c}, 1000, 1000, 1024)), 0, 0, 0, 0, true,
                        known ? List.of("nvidia-t4") : List.of()));
            }
            job(f, 1, 1000, 1_000);
            Plan p = Policies.byName("default").schedule(f.snapshot(), Clock.fixed(0));
            assertThat(nodes(p)).as("accepted models known: " + known)
                    .containsEntry(1L, known ? "c1-a-0" : "c1-t-0");
        }
    }

    private static RunningJob withCpu(RunningJob r, int cpu) {
        TaskAllocation t = r.tasks().get(0);
        return new RunningJob(r.id(), r.tenant(), r.priority(), r.center(), r.pool(), r.accelerator(),
                List.of(new TaskAllocation(0, t.node(), t.cards(), 1000, cpu, 1024)), 0, 0, 0, 0, true);
    }
}
