package io.computegrid.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.model.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The rule between serving and training, over the random worlds of {@link InvariantPropertiesTest} with a share of
 * the running and pending jobs turned into serving replicas: serving never preempts normal or high training, nor
 * in-quota training of another tenant outside {@code servingPreempts} (low, spot); training never preempts serving
 * of equal or higher priority, under {@code default} and {@code las}.
 */
class ServingPropertiesTest {
    static final long NOW = InvariantPropertiesTest.NOW;
    static final Set<Integer> LOW_AND_SPOT = Set.of(10, 0);

    static InvariantPropertiesTest.World servingWorld(long seed) {
        InvariantPropertiesTest.World w = InvariantPropertiesTest.world(seed);
        SplittableRandom r = new SplittableRandom(seed ^ 0x5EED);
        List<RunningJob> running = new ArrayList<>();
        for (RunningJob j : w.running) {
            running.add(r.nextInt(3) == 0 ? new RunningJob(j.id(), j.tenant(), j.priority(), j.center(), j.pool(),
                    j.accelerator(), j.tasks(), j.startedAt(), 0, j.minRuntimeMillis(), j.lastCheckpointAt(),
                    j.preemptible(), j.acceptedModels(), j.attainedBeforeMillis(), true) : j);
        }
        w.running = running;
        List<PendingJob> pending = new ArrayList<>();
        for (PendingJob j : w.pending) {
            PendingJob p = j.tasks() == 1 && r.nextInt(3) == 0 ? new PendingJob(j.id(), j.tenant(), j.priority(),
                    j.order(), j.submittedAt(), 1, j.perTask(), 0, j.minRuntimeMillis(), false, j.objective(),
                    j.datasets(), j.centers(), j.attainedServiceMillis(), 0, j.queuedAt(), j.lastRunMillis(), true) : j;
            pending.add(p);
            w.jobs.put(p.id(), p);
        }
        w.pending = pending;
        return w;
    }

    /**
     * A focused world: one pool filled with running work of random tenants, classes and checkpoints (a quarter of it
     * serving), tenants with random nominal quotas, and a few pending jobs (serving or training) that need room.
     */
    static InvariantPropertiesTest.World fullPool(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String model = "nvidia-a100";
        int nodes = 1 + r.nextInt(4);
        int tenants = 2 + r.nextInt(2);
        Fed f = Fed.create().center("c", "p", model, nodes, 8);
        for (int t = 0; t < tenants; t++) {
            f.tenant("t" + t, model, r.nextInt(17));
        }
        int[] prios = {0, 10, 100, 1000};
        long id = 1;
        InvariantPropertiesTest.World w = new InvariantPropertiesTest.World();
        for (int n = 0; n < nodes; n++) {
            int card = 0;
            while (card < 8) {
                int cards = Math.min(8 - card, 1 << r.nextInt(3));
                int[] used = new int[cards];
                for (int k = 0; k < cards; k++) {
                    used[k] = card + k;
                }
                card += cards;
                int prio = prios[r.nextInt(prios.length)];
                long started = NOW - 1_000_000 - r.nextInt(3_000_000);
                w.running.add(new RunningJob(id++, "t" + r.nextInt(tenants), prio, "c", "p", model,
                        List.of(new TaskAllocation(0, "c-p-" + n, used, 1000, 1000, 1024)), started, 0, 0,
                        r.nextBoolean() ? started + r.nextInt(900_000) : 0, prio == 0, List.of(model), 0,
                        r.nextInt(4) == 0));
            }
        }
        for (int k = 0; k < 1 + r.nextInt(3); k++) {
            int prio = prios[r.nextInt(prios.length)];
            long queued = NOW - r.nextInt(200_000);
            PendingJob j = new PendingJob(id++, "t" + r.nextInt(tenants), prio, id, queued, 1,
                    Fed.res(1000 * (1 << r.nextInt(4)), model), 0, 0, prio == 0, io.computegrid.model.Objective.BALANCED,
                    List.of(), List.of(), 0, 0, queued, 0, r.nextBoolean());
            w.pending.add(j);
            w.jobs.put(j.id(), j);
        }
        w.nodes = f.nodes;
        w.fed = f.config();
        return w;
    }

    /** Checks every preemption of a plan; returns how many were serving over in-quota training of another tenant. */
    static int check(InvariantPropertiesTest.World w, Plan plan) {
        Set<Long> borrowed = InvariantPropertiesTest.borrowed(w);
        Map<Long, RunningJob> running = new HashMap<>();
        w.running.forEach(r -> running.put(r.id(), r));
        int servingOverInQuota = 0;
        for (Preemption p : plan.preemptions()) {
            RunningJob v = running.get(p.victimJobId());
            PendingJob j = w.jobs.get(p.forJobId());
            String what = "victim " + v.id() + " (prio " + v.priority() + ", serving " + v.serving() + ", tenant "
                    + v.tenant() + ") for " + j.id() + " (prio " + j.priority() + ", serving " + j.serving() + ", tenant "
                    + j.tenant() + ")";
            if (v.serving() && !j.serving()) {
                assertThat(v.priority()).as("training preempted serving of equal or higher priority: " + what)
                        .isLessThan(j.priority());
            }
            boolean inQuotaOther = !borrowed.contains(v.id()) && !v.tenant().equals(j.tenant()) && !v.preemptible();
            if (j.serving() && !v.serving() && inQuotaOther) {
                assertThat(LOW_AND_SPOT).as("serving preempted in-quota training outside servingPreempts: " + what)
                        .contains(v.priority());
                assertThat(v.priority()).as(what).isLessThan(j.priority());
                servingOverInQuota++;
            }
        }
        return servingOverInQuota;
    }

    @Property(tries = 500)
    void servingAndTrainingKeepTheirRuleInAFullPool(@ForAll long seed) {
        InvariantPropertiesTest.World w = fullPool(seed);
        check(w, Policies.byName("default").schedule(w.snapshot(), Clock.fixed(NOW)));
    }

    @Property(tries = 200)
    void servingAndTrainingKeepTheirRuleInRandomFederations(@ForAll long seed) {
        InvariantPropertiesTest.World w = servingWorld(seed);
        check(w, Policies.byName("default").schedule(w.snapshot(), Clock.fixed(NOW)));
    }

    @Property(tries = 200)
    void lasNeverPreemptsServingForTrainingOfItsPriority(@ForAll long seed) {
        InvariantPropertiesTest.World w = servingWorld(seed);
        Plan plan = Policies.byName("las").schedule(w.snapshot(), Clock.fixed(NOW));
        Map<Long, RunningJob> running = new HashMap<>();
        w.running.forEach(r -> running.put(r.id(), r));
        for (Preemption p : plan.preemptions()) {
            RunningJob v = running.get(p.victimJobId());
            PendingJob j = w.jobs.get(p.forJobId());
            if (v.serving() && !j.serving()) {
                assertThat(v.priority()).isLessThan(j.priority());
            }
        }
    }

    /** The generator does produce the case the rule is about, so the property above can fail. */
    @Example
    void theWorldsHoldServingPreemptingInQuotaTraining() {
        int seen = 0;
        for (long seed = 1; seed <= 200; seed++) {
            InvariantPropertiesTest.World w = fullPool(seed);
            seen += check(w, Policies.byName("default").schedule(w.snapshot(), Clock.fixed(NOW)));
        }
        assertThat(seen).as("serving preemptions of in-quota low or spot training in 200 worlds").isGreaterThan(3);
    }
}
