package io.computegrid.cli.ha;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What tasks themselves wrote about when they ran: {@code start JOB ATTEMPT PID NANOS} and {@code end JOB ATTEMPT
 * PID NANOS} lines appended to one file (one {@code write} each, so lines never interleave). The evidence for
 * zero double dispatch: no attempt of a job started twice, and no two attempts of one job overlapped in time.
 */
public final class DispatchLog {
    /** The task's command: marks its start, sleeps, marks its end (also when stopped with SIGTERM). */
    public static List<String> command(Path file, double seconds) {
        String f = "'" + file.toString().replace("'", "'\\''") + "'";
        String mark = "echo \"%s $GRID_JOB_ID $GRID_ATTEMPT $$ $(date +%%s%%N)\" >> " + f;
        return List.of("sh", "-c", String.format(mark, "start") + "; trap '" + String.format(mark, "end").replace("'", "'\\''")
                + "; exit 143' TERM; sleep " + seconds + " & wait $!; " + String.format(mark, "end"));
    }

    public record Attempt(long job, int attempt, long pid, long startNanos, Long endNanos) {
    }

    /** The findings: attempts seen, and every violation in words (empty: zero double dispatch). */
    public record Check(int attempts, int jobs, List<String> doubleStarts, List<String> overlaps,
                        List<String> unfinished) {
        public boolean clean() {
            return doubleStarts.isEmpty() && overlaps.isEmpty();
        }
    }

    private DispatchLog() {
    }

    public static Check check(Path file) throws IOException {
        Map<String, List<long[]>> starts = new HashMap<>();
        Map<String, Long> ends = new HashMap<>();
        for (String line : Files.exists(file) ? Files.readAllLines(file) : List.<String>of()) {
            String[] p = line.trim().split("\\s+");
            if (p.length != 5) {
                continue;
            }
            String key = p[1] + "/" + p[2];
            long pid = Long.parseLong(p[3]);
            long t = Long.parseLong(p[4]);
            if (p[0].equals("start")) {
                starts.computeIfAbsent(key, k -> new ArrayList<>()).add(new long[]{pid, t});
            } else if (p[0].equals("end")) {
                ends.merge(key + "/" + pid, t, Math::min);
            }
        }
        List<String> doubleStarts = new ArrayList<>();
        Map<Long, TreeMap<Long, Attempt>> byJob = new HashMap<>();
        int attempts = 0;
        for (Map.Entry<String, List<long[]>> e : starts.entrySet()) {
            String[] ja = e.getKey().split("/");
            if (e.getValue().size() > 1) {
                doubleStarts.add("job " + ja[0] + " attempt " + ja[1] + " started " + e.getValue().size() + " times");
            }
            for (long[] s : e.getValue()) {
                attempts++;
                Attempt a = new Attempt(Long.parseLong(ja[0]), Integer.parseInt(ja[1]), s[0], s[1],
                        ends.get(e.getKey() + "/" + s[0]));
                byJob.computeIfAbsent(a.job(), k -> new TreeMap<>()).put(a.startNanos(), a);
            }
        }
        List<String> overlaps = new ArrayList<>();
        List<String> unfinished = new ArrayList<>();
        for (TreeMap<Long, Attempt> runs : byJob.values()) {
            Attempt prev = null;
            for (Attempt a : runs.values()) {
                if (prev != null && (prev.endNanos() == null || prev.endNanos() > a.startNanos())) {
                    overlaps.add("job " + a.job() + ": attempt " + a.attempt() + " started "
                            + (prev.endNanos() == null ? "while attempt " + prev.attempt() + " never ended"
                            : String.format("%.3f s before attempt %d ended", (prev.endNanos() - a.startNanos()) / 1e9,
                            prev.attempt())));
                }
                prev = a;
            }
            if (prev != null && prev.endNanos() == null) {
                unfinished.add("job " + prev.job() + " attempt " + prev.attempt() + " (pid " + prev.pid() + ")");
            }
        }
        return new Check(attempts, byJob.size(), doubleStarts, overlaps, unfinished);
    }
}
