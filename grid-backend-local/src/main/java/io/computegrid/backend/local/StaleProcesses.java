package io.computegrid.backend.local;

import io.computegrid.backend.local.ProcFs.Proc;
import io.computegrid.backend.local.Signals.Sig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes named by handles from before a restart: not our children any more, so they are found through
 * /proc by (pid, start time) and killed with their process group and descendants.
 */
final class StaleProcesses {
    private static final Logger LOG = LoggerFactory.getLogger(StaleProcesses.class);
    private final Signals signals;

    StaleProcesses(Signals signals) {
        this.signals = signals;
    }

    /** Task handles {@code pid:<pid>:<starttime>}, alone or joined by commas; anything else is ignored. */
    static List<Proc> parseHandle(String handle) {
        List<Proc> out = new ArrayList<>();
        if (handle == null) {
            return out;
        }
        for (String part : handle.split(",")) {
            String[] f = part.strip().split(":");
            if (f.length == 3 && f[0].equals("pid")) {
                try {
                    long pid = Long.parseLong(f[1]);
                    long start = Long.parseLong(f[2]);
                    if (pid > 1 && start > 0) {
                        out.add(new Proc(pid, start));
                    }
                } catch (NumberFormatException e) {
                    // not ours
                }
            }
        }
        return out;
    }

    /** SIGTERM to the groups (and descendants) of these task roots, SIGKILL after the grace; waits until gone. */
    void killAndWait(List<Proc> roots, Duration grace) {
        Set<Proc> extra = new HashSet<>();
        for (Proc root : roots) {
            if (ProcFs.alive(root)) {
                extra.add(root); // also when it never became a group leader
                extra.addAll(ProcFs.descendants(root));
            }
        }
        for (Sig sig : List.of(Sig.TERM, Sig.KILL)) {
            for (Proc root : roots) {
                signals.signalGroup(root, sig);
            }
            signals.signalAll(extra, sig);
            if (waitGone(roots, extra, sig == Sig.TERM ? grace : LocalBackend.GIVE_UP_AFTER_KILL)) {
                return;
            }
        }
        LOG.warn("stale processes of {} survive SIGKILL", roots);
    }

    private static boolean waitGone(List<Proc> roots, Set<Proc> extra, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            if (!anyLeft(roots, extra)) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private static boolean anyLeft(List<Proc> roots, Set<Proc> extra) {
        List<ProcFs.Stat> all = ProcFs.all();
        for (Proc root : roots) {
            if (!ProcFs.groupMembers(all, root.pid(), root.startTicks()).isEmpty()) {
                return true;
            }
        }
        for (ProcFs.Stat s : all) {
            if (!s.exited() && extra.contains(s.proc())) {
                return true;
            }
        }
        return false;
    }
}
