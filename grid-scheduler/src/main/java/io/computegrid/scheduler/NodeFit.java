package io.computegrid.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Node choice for a single-task job, across a group of pools, by one of two scores:
 * <ul>
 * <li>{@link Mode#BESTFIT} (the FGD paper's best-fit baseline): the node that leaves the least
 * {@code 0.5 x CPU left / largest node CPU + 0.5 x milli-cards left / largest node milli-cards}
 * after the task; a fraction goes on the card it leaves with the least.</li>
 * <li>{@link Mode#FRAG} (fragmentation gradient descent, Weng et al., ATC'23): the node and card whose
 * placement grows the expected GPU fragmentation least, given the task shapes running now. A node's
 * fragmentation for a shape is the free milli-cards that shape cannot use there: all of them when the
 * node lacks the CPU or memory for it, else the cards too small for it (partly used cards for
 * whole-card shapes, cards with less free than the fraction for fractional ones). Beyond FGD, one more
 * term: the free milli-cards the node's free CPU cannot feed at the running mix's CPU per milli-card
 * (FGD asks only whether one more task fits, so it lets low-CPU tasks take the cards of CPU-rich nodes
 * and leaves CPU-heavy ones to strand cards on CPU-poor nodes). Ties: best fit, then node order.</li>
 * </ul>
 * Candidates come from the cluster's cells (free whole cards x free CPU level): at most
 * {@link #PER_CELL} nodes per cell, so the cost is bounded by cells, not by nodes.
 */
final class NodeFit {
    enum Mode { BESTFIT, FRAG }

    /** Nodes looked at per (free whole cards, CPU level) cell. */
    static final int PER_CELL = 16;
    /** The most popular task shapes that make up the fragmentation measure. */
    static final int MAX_SHAPES = 24;
    /** Nodes looked at per cell at most (feasible or not), so a cell of CPU-starved nodes cannot make a scan long. */
    static final int SCAN = 64;

    private record Key(int milli, int cpu, long mem, List<String> models) {
    }

    private static List<String> models(List<io.computegrid.model.AcceleratorChoice> choices) {
        List<String> out = new ArrayList<>(choices.size());
        for (var a : choices) {
            out.add(a.model());
        }
        return out;
    }

    /** The node index and the card (fraction only; -1 otherwise) chosen. */
    record Pick(int node, int card) {
    }

    /** Task shapes with GPUs and their share of the running tasks, most popular first. */
    record Shapes(int[] milli, int[] cpu, long[] mem, List<List<String>> models, double[] weight,
                  double cpuPerMilli) {
        Shapes(int[] milli, int[] cpu, long[] mem, List<List<String>> models, double[] weight) {
            this(milli, cpu, mem, models, weight, ratio(milli, cpu, weight));
        }

        /** Per shape: can a task of it use cards of this model (it accepts any, or names the model)? */
        boolean[] access(String model) {
            boolean[] out = new boolean[milli.length];
            for (int m = 0; m < out.length; m++) {
                out[m] = models.get(m).isEmpty() || models.get(m).contains(model);
            }
            return out;
        }

        private static double ratio(int[] milli, int[] cpu, double[] weight) {
            double c = 0;
            double g = 0;
            for (int k = 0; k < milli.length; k++) {
                c += weight[k] * cpu[k];
                g += weight[k] * milli[k];
            }
            return g > 0 ? c / g : 0;
        }

        int size() {
            return milli.length;
        }
    }

    private NodeFit() {
    }

    /** The job's own shape, for a cluster where nothing holds cards yet. */
    static Shapes ofJob(PendingJob job) {
        int m = job.perTask().milliCards();
        if (m <= 0) {
            return new Shapes(new int[0], new int[0], new long[0], List.of(), new double[0]);
        }
        return new Shapes(new int[]{m}, new int[]{job.perTask().cpuMilli()}, new long[]{job.perTask().memoryMiB()},
                List.of(models(job.perTask().accelerators())), new double[]{1});
    }

    /** The shapes of the tasks holding cards in the snapshot, by share of those tasks (empty when none). */
    static Shapes ofRunning(Snapshot s) {
        Map<Key, long[]> counts = new HashMap<>();
        long total = 0;
        for (RunningJob r : s.running()) {
            List<String> accepted = r.acceptedModels();
            for (TaskAllocation t : r.tasks()) {
                int m = t.milliPerCard() >= 1000 ? t.cardCount() * 1000 : t.cardCount() > 0 ? t.milliPerCard() : 0;
                if (m > 0) {
                    counts.computeIfAbsent(new Key(m, t.cpuMilli(), t.memoryMiB(), accepted), k -> new long[1])[0]++;
                    total++;
                }
            }
        }
        if (total == 0) {
            return new Shapes(new int[0], new int[0], new long[0], List.of(), new double[0]);
        }
        List<Map.Entry<Key, long[]>> list = new ArrayList<>(counts.entrySet());
        list.sort((a, b) -> {
            int c = Long.compare(b.getValue()[0], a.getValue()[0]);
            c = c != 0 ? c : Integer.compare(a.getKey().milli, b.getKey().milli);
            c = c != 0 ? c : Integer.compare(a.getKey().cpu, b.getKey().cpu);
            c = c != 0 ? c : Long.compare(a.getKey().mem, b.getKey().mem);
            return c != 0 ? c : String.join("|", a.getKey().models).compareTo(String.join("|", b.getKey().models));
        });
        int n = Math.min(MAX_SHAPES, list.size());
        int[] milli = new int[n];
        int[] cpu = new int[n];
        long[] mem = new long[n];
        List<List<String>> models = new ArrayList<>(n);
        double[] w = new double[n];
        for (int k = 0; k < n; k++) {
            Key key = list.get(k).getKey();
            milli[k] = key.milli;
            cpu[k] = key.cpu;
            mem[k] = key.mem;
            models.add(key.models);
            w[k] = (double) list.get(k).getValue()[0] / total;
        }
        return new Shapes(milli, cpu, mem, models, w);
    }

    /** The best node (and card) for one task of {@code job} in the pools of {@code group}, or null. */
    static Pick pick(Cycle cy, List<Cluster.PoolState> group, PendingJob job, long end, Mode mode) {
        Cluster c = cy.cluster;
        int milli = job.perTask().milliCards();
        int cpu = job.perTask().cpuMilli();
        long mem = job.perTask().memoryMiB();
        int per = milli >= 1000 ? milli / 1000 : 0;
        Shapes shapes = mode == Mode.FRAG ? cy.shapes(job) : null;
        int[] before = new int[16];
        int[] after = new int[16];
        int bestNode = -1;
        int bestCard = -1;
        double bestDelta = Double.MAX_VALUE;
        double bestFit = Double.MAX_VALUE;
        for (Cluster.PoolState p : group) {
            boolean[] access = shapes == null ? null : shapes.access(p.model);
            for (int k = per; k <= p.maxCards; k++) {
                if (p.count[k] == 0) {
                    continue;
                }
                for (int level = Cluster.CPU_LEVELS - 1; level >= 0; level--) {
                    int seen = 0;
                    int looked = 0;
                    for (int i = c.cellHead(p, k, level); i >= 0 && seen < PER_CELL && looked < SCAN;
                         i = c.cellNext(i), looked++) {
                        if (!c.allowed(i, end) || c.freeCpu[i] < cpu || c.freeMem[i] < mem
                                || c.freeCpu[i] < 0 || c.freeMem[i] < 0) {
                            continue;
                        }
                        int cards = c.cards(i);
                        if (before.length < cards) {
                            before = new int[cards];
                            after = new int[cards];
                        }
                        int total = 0;
                        for (int x = 0; x < cards; x++) {
                            before[x] = Math.max(0, c.freeMilli[c.cardOffset[i] + x]);
                            total += before[x];
                        }
                        int card = -1;
                        if (milli > 0 && milli < 1000) {
                            card = fractionCard(before, cards, milli, mode, shapes, access, c.freeCpu[i] - cpu,
                                    c.freeMem[i] - mem, after);
                            if (card < 0) {
                                continue;
                            }
                        }
                        seen++;
                        double fit = 0.5 * (c.freeCpu[i] - cpu) / c.maxNodeCpu
                                + 0.5 * (total - Math.max(0, milli)) / (double) c.maxNodeMilli;
                        double delta = 0;
                        if (mode == Mode.FRAG) {
                            System.arraycopy(before, 0, after, 0, cards);
                            take(after, cards, milli, card);
                            delta = frag(after, cards, c.freeCpu[i] - cpu, c.freeMem[i] - mem, shapes, access)
                                    - frag(before, cards, c.freeCpu[i], c.freeMem[i], shapes, access);
                            delta = Math.rint(delta * 1e6) / 1e6;
                        }
                        if (delta < bestDelta || delta == bestDelta && (fit < bestFit
                                || fit == bestFit && i < bestNode)) {
                            bestDelta = delta;
                            bestFit = fit;
                            bestNode = i;
                            bestCard = card;
                        }
                    }
                }
            }
        }
        return bestNode < 0 ? null : new Pick(bestNode, bestCard);
    }

    /** Takes the task's cards from a free-milli vector: whole cards from the first free ones, or one fraction. */
    private static void take(int[] free, int cards, int milli, int card) {
        if (milli >= 1000) {
            int need = milli / 1000;
            for (int x = 0; x < cards && need > 0; x++) {
                if (free[x] == 1000) {
                    free[x] = 0;
                    need--;
                }
            }
        } else if (milli > 0) {
            free[card] -= milli;
        }
    }

    /** The card for a fraction: least left (best-fit), or least fragmentation growth, then least left. */
    private static int fractionCard(int[] free, int cards, int milli, Mode mode, Shapes shapes, boolean[] access,
                                    int cpuAfter, long memAfter, int[] scratch) {
        int best = -1;
        double bestDelta = Double.MAX_VALUE;
        for (int x = 0; x < cards; x++) {
            if (free[x] < milli) {
                continue;
            }
            double delta = 0;
            if (mode == Mode.FRAG) {
                boolean seenValue = false;
                for (int y = 0; y < x; y++) {
                    seenValue |= free[y] == free[x];
                }
                if (seenValue) {
                    continue; // a card with the same free milli scores the same
                }
                System.arraycopy(free, 0, scratch, 0, cards);
                scratch[x] -= milli;
                delta = Math.rint(frag(scratch, cards, cpuAfter, memAfter, shapes, access) * 1e6) / 1e6;
            }
            if (best < 0 || delta < bestDelta || delta == bestDelta && free[x] < free[best]) {
                best = x;
                bestDelta = delta;
            }
        }
        return best;
    }

    /** Expected fragmentation of one node (milli-cards) over the task shapes. */
    static double frag(int[] free, int cards, int cpuFree, long memFree, Shapes shapes, boolean[] access) {
        int total = 0;
        int whole = 0;
        int partial = 0;
        for (int x = 0; x < cards; x++) {
            total += free[x];
            if (free[x] == 1000) {
                whole++;
            } else {
                partial += free[x];
            }
        }
        if (total == 0) {
            return 0;
        }
        double f = 0;
        for (int m = 0; m < shapes.size(); m++) {
            int sm = shapes.milli[m];
            double lost;
            if (!access[m] || shapes.cpu[m] > cpuFree || shapes.mem[m] > memFree) {
                lost = total; // a shape that may not use this model, or lacks CPU or memory here, uses none of it
            } else {
                int small;
                if (sm >= 1000) {
                    small = whole >= sm / 1000 ? partial : total;
                } else {
                    small = 0;
                    for (int x = 0; x < cards; x++) {
                        if (free[x] < sm) {
                            small += free[x];
                        }
                    }
                }
                lost = small;
            }
            f += shapes.weight[m] * lost;
        }
        if (shapes.cpuPerMilli > 0) {
            // the running mix needs this much CPU per milli-card: the cards the node's CPU cannot feed are lost
            f += Math.max(0, total - cpuFree / shapes.cpuPerMilli);
        }
        return f;
    }
}
