package io.computegrid.backend.local;

import io.computegrid.backend.local.ProcFs.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends SIGTERM / SIGKILL to processes and process groups that are verifiably ours. Java can signal single
 * processes ({@link ProcessHandle#destroy()}), but not a whole group at once, so a group is signalled with the
 * {@code kill} program when it exists (atomic against a forking shell) and member by member in any case.
 */
final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    enum Sig { TERM, KILL }

    private final Path killProgram;

    Signals(Path killProgram) {
        this.killProgram = killProgram;
    }

    static Signals detect() {
        return new Signals(findProgram("kill", List.of(Path.of("/bin/kill"), Path.of("/usr/bin/kill"))).orElse(null));
    }

    /** The first executable among the usual places, then PATH. */
    static Optional<Path> findProgram(String name, List<Path> usual) {
        for (Path p : usual) {
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isEmpty()) {
                    Path p = Path.of(dir, name);
                    if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                        return Optional.of(p);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Signals one process if it is still exactly {@code p} (same pid and start time). */
    void signal(Proc p, Sig sig) {
        Optional<ProcessHandle> h = ProcessHandle.of(p.pid());
        // re-check after taking the handle: the handle is bound to whatever owns the pid now
        if (h.isEmpty() || !ProcFs.alive(p)) {
            return;
        }
        if (sig == Sig.TERM) {
            h.get().destroy();
        } else {
            h.get().destroyForcibly();
        }
    }

    void signalAll(Collection<Proc> procs, Sig sig) {
        for (Proc p : procs) {
            signal(p, sig);
        }
    }

    /**
     * Signals every live member of the group led by {@code leader}; returns the members seen. Does nothing when the
     * pid now belongs to another process (see {@link ProcFs#groupMembers}).
     */
    List<Proc> signalGroup(Proc leader, Sig sig) {
        List<Proc> members = ProcFs.groupMembers(leader.pid(), leader.startTicks());
        if (members.isEmpty()) {
            return members;
        }
        if (killProgram != null) {
            runKill(leader.pid(), sig);
        }
        signalAll(members, sig); // covers a missing kill program; a second signal is harmless
        return members;
    }

    private void runKill(long pgid, Sig sig) {
        // argv only, no shell; "--" so that the negative group id is not read as an option
        ProcessBuilder pb = new ProcessBuilder(killProgram.toString(), "-s", sig.name(), "--", "-" + pgid)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        try {
            Process p = pb.start();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.warn("could not run {} for process group {}: {}", killProgram, pgid, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
