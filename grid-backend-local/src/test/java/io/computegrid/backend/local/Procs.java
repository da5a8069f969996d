package io.computegrid.backend.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test-side view of /proc, written independently of the code under test. */
final class Procs {
    private Procs() {
    }

    /** Fields after the command name: [0] state, [1] ppid, [2] pgrp, ..., [19] start time. */
    static String[] fields(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return s.substring(s.lastIndexOf(')') + 2).split(" ");
        } catch (IOException e) {
            return null;
        }
    }

    /** Running (a zombie has exited: it only waits to be reaped). */
    static boolean alive(long pid) {
        String[] f = fields(pid);
        return f != null && !f[0].equals("Z") && !f[0].equals("X");
    }

    static long pgrp(long pid) {
        return Long.parseLong(fields(pid)[2]);
    }

    static long startTicks(long pid) {
        return Long.parseLong(fields(pid)[19]);
    }

    static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** Live processes whose parent chain leads to {@code root} (not including root). */
    static List<Long> descendants(long root) {
        List<Long> out = new ArrayList<>();
        List<Long> frontier = new ArrayList<>(List.of(root));
        while (!frontier.isEmpty()) {
            List<Long> next = new ArrayList<>();
            for (long pid : livePids()) {
                String[] f = fields(pid);
                if (f != null && frontier.contains(Long.parseLong(f[1])) && alive(pid)) {
                    next.add(pid);
                }
            }
            out.addAll(next);
            frontier = next;
        }
        return out;
    }

    static List<Long> groupMembers(long pgid) {
        List<Long> out = new ArrayList<>();
        for (long pid : livePids()) {
            String[] f = fields(pid);
            if (f != null && Long.parseLong(f[2]) == pgid && alive(pid)) {
                out.add(pid);
            }
        }
        return out;
    }

    static List<Long> livePids() {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : ds) {
                out.add(Long.parseLong(p.getFileName().toString()));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
