package io.computegrid.backend.local;

import io.computegrid.backend.local.Gang.Task;
import io.computegrid.backend.local.ProcFs.Proc;
import io.computegrid.backend.local.Signals.Sig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The processes of one task: its root, the root's process group, and descendants seen while stopping it (kept,
 * because a child whose parent died is re-parented and no longer found by walking down from the root).
 */
final class TaskTree {
    private final Signals signals;

    TaskTree(Signals signals) {
        this.signals = signals;
    }

    /** Remembers the task's descendants now: before any signal, while they can still be found from the root. */
    static void capture(Task t) {
        t.captured.addAll(ProcFs.descendants(t.root));
    }

    /** Signals the root (directly too, in case setsid(2) has not run yet), its group and what was captured. */
    void terminate(Task t, Sig sig) {
        if (sig == Sig.TERM) {
            t.process.destroy();
        } else {
            t.process.destroyForcibly();
        }
        if (t.root.startTicks() != 0) {
            signals.signalGroup(t.root, sig);
        }
        signals.signalAll(t.captured, sig);
    }

    /** Signals the task's group and the leftovers found by {@link #leftovers}. */
    void signalLeftovers(Task t, List<Proc> left, Sig sig) {
        signals.signalGroup(t.root, sig);
        signals.signalAll(left, sig);
    }

    /** What is still alive of the task: members of its process group and captured descendants. */
    static List<Proc> leftovers(Task t) {
        List<ProcFs.Stat> all = ProcFs.all();
        Set<Proc> left = new HashSet<>();
        if (t.root.startTicks() != 0) {
            left.addAll(ProcFs.groupMembers(all, t.root.pid(), t.root.startTicks()));
        }
        if (!t.captured.isEmpty()) {
            Set<Proc> live = new HashSet<>();
            for (ProcFs.Stat s : all) {
                if (!s.exited()) {
                    live.add(s.proc());
                }
            }
            for (Proc p : t.captured) {
                if (live.contains(p)) {
                    left.add(p);
                }
            }
        }
        return new ArrayList<>(left);
    }
}
