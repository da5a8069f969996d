package io.computegrid.backend.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Linux {@code /proc/<pid>/stat}. A process is identified by (pid, start time in clock ticks since boot,
 * field 22) so that a reused pid is never mistaken for one of ours.
 */
final class ProcFs {
    private static final Path PROC = Path.of("/proc");

    private ProcFs() {
    }

    /** One line of /proc/PID/stat, the fields we use. */
    record Stat(long pid, char state, long ppid, long pgrp, long startTicks) {
        /** Zombies have exited and only wait for their parent (or init) to reap them. */
        boolean exited() {
            return state == 'Z' || state == 'X' || state == 'x';
        }

        Proc proc() {
            return new Proc(pid, startTicks);
        }
    }

    /** A process identity that survives pid reuse. */
    record Proc(long pid, long startTicks) {
    }

    static boolean available() {
        return Files.isReadable(PROC.resolve("self").resolve("stat"));
    }

    static Optional<Stat> stat(long pid) {
        try {
            return parse(pid, Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // gone, or not readable: not ours to touch
        }
    }

    /** Parses a stat line; the command name is in parentheses and may itself contain spaces and ')'. */
    static Optional<Stat> parse(long pid, String line) {
        int close = line.lastIndexOf(')');
        if (close < 0 || close + 2 >= line.length()) {
            return Optional.empty();
        }
        String[] f = line.substring(close + 2).trim().split(" +");
        // f[0] is field 3 (state), so field N is f[N - 3]
        if (f.length < 20 || f[0].isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Stat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]),
                    Long.parseLong(f[19])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Start time of a live (not yet exited) process, or empty. */
    static Optional<Long> startTicks(long pid) {
        return stat(pid).filter(s -> !s.exited()).map(Stat::startTicks);
    }

    /** True when this exact process (pid and start time) still runs. */
    static boolean alive(Proc p) {
        return stat(p.pid()).filter(s -> !s.exited() && s.startTicks() == p.startTicks()).isPresent();
    }

    static List<Stat> all() {
        List<Stat> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(PROC)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(name);
                } catch (NumberFormatException e) {
                    continue;
                }
                stat(pid).ifPresent(out::add);
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /**
     * Live members of the process group {@code pgid} that we created when its leader (pid {@code pgid}) started at
     * {@code leaderStart}. If a process with that pid exists but started at another time, the group is someone
     * else's (Linux does not reuse a pid while it still names a group), so nothing is returned.
     */
    static List<Proc> groupMembers(long pgid, long leaderStart) {
        return groupMembers(all(), pgid, leaderStart);
    }

    static List<Proc> groupMembers(List<Stat> all, long pgid, long leaderStart) {
        List<Proc> out = new ArrayList<>();
        for (Stat s : all) {
            if (s.pid() == pgid && s.startTicks() != leaderStart) {
                return List.of();
            }
        }
        for (Stat s : all) {
            if (s.pgrp() == pgid && !s.exited() && s.startTicks() >= leaderStart) {
                out.add(s.proc());
            }
        }
        return out;
    }

    /**
     * Live descendants of {@code root} (by parent pid, whatever their group), or empty when root is not that
     * process any more. Catches children that moved to their own group or session.
     */
    static List<Proc> descendants(Proc root) {
        List<Stat> all = all();
        Map<Long, List<Stat>> children = new HashMap<>();
        boolean rootFound = false;
        for (Stat s : all) {
            children.computeIfAbsent(s.ppid(), k -> new ArrayList<>()).add(s);
            if (s.pid() == root.pid() && s.startTicks() == root.startTicks()) {
                rootFound = true;
            }
        }
        if (!rootFound) {
            return List.of();
        }
        List<Proc> out = new ArrayList<>();
        Deque<Long> todo = new ArrayDeque<>();
        todo.add(root.pid());
        while (!todo.isEmpty()) {
            for (Stat c : children.getOrDefault(todo.poll(), List.of())) {
                // a child never starts before its parent; this also guards against pid reuse in the walk
                if (c.startTicks() >= root.startTicks() && c.pid() != root.pid()) {
                    if (!c.exited()) {
                        out.add(c.proc());
                    }
                    todo.add(c.pid());
                }
            }
        }
        return out;
    }
}
