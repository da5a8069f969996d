package io.computegrid.agent;

import io.computegrid.agentapi.AgentApi;
import io.computegrid.agentapi.AgentApi.LogAccepted;
import io.computegrid.agentapi.AgentApi.TaskKey;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ships what each task writes to its log on the agent to the server, in chunks that carry their offset in the
 * attempt's file: the server appends each byte once whatever is repeated, and tells where to go on after a gap.
 * A task is followed from its launch until it has exited and everything up to its last line is on the server.
 */
final class LogShipper {
    private static final int CHUNKS_PER_ROUND = 8;
    private final ServerLink link;
    private final TaskTable table;
    private final Map<TaskKey, Tail> tails = new ConcurrentHashMap<>();

    private static final class Tail {
        final Path file;
        long shipped;
        boolean dropped;

        Tail(Path file) {
            this.file = file;
        }
    }

    LogShipper(ServerLink link, TaskTable table) {
        this.link = link;
        this.table = table;
    }

    void follow(TaskKey key, Path file) {
        tails.putIfAbsent(key, new Tail(file));
    }

    /**
     * Ships what is new; throws when the server cannot be reached (the caller retries later) or refuses the
     * agent's credential (401).
     */
    void shipAll(Duration timeout) throws ServerLink.Unreachable, ServerLink.Refused {
        for (Map.Entry<TaskKey, Tail> e : new ArrayList<>(tails.entrySet())) {
            TaskKey k = e.getKey();
            Tail t = e.getValue();
            boolean exited = table.exited(k); // read before the file: the exit comes after its last line
            try {
                for (int i = 0; i < CHUNKS_PER_ROUND && !t.dropped && ship(k, t, timeout); i++) {
                    // more to send
                }
            } catch (ServerLink.Refused r) {
                if (r.status == 401) {
                    throw r;
                }
                t.dropped = true; // the server will never take it (the job is gone): do not hold the exit back
            }
            if (exited && (t.dropped || t.shipped >= size(t.file))) {
                tails.remove(k);
                table.logShipped(k);
            }
        }
    }

    /** Sends one chunk if there is one; true when it did. */
    private boolean ship(TaskKey k, Tail t, Duration timeout) throws ServerLink.Unreachable, ServerLink.Refused {
        long size = size(t.file);
        if (size <= t.shipped) {
            return false;
        }
        byte[] chunk = read(t.file, t.shipped, (int) Math.min(AgentApi.MAX_CHUNK, size - t.shipped));
        if (chunk.length == 0) {
            return false;
        }
        String q = AgentApi.LOGS + "?job=" + k.jobId() + "&attempt=" + k.attempt() + "&task=" + k.index()
                + "&offset=" + t.shipped;
        LogAccepted a = link.postBytes(q, chunk, LogAccepted.class, timeout);
        t.shipped = a.next();
        t.dropped = a.dropped();
        return true;
    }

    private static long size(Path f) {
        try {
            return Files.exists(f) ? Files.size(f) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static byte[] read(Path f, long at, int n) {
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "r")) {
            r.seek(at);
            byte[] b = new byte[n];
            int got = 0;
            while (got < n) {
                int k = r.read(b, got, n - got);
                if (k < 0) {
                    break;
                }
                got += k;
            }
            return got == n ? b : java.util.Arrays.copyOf(b, got);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    List<TaskKey> followed() {
        return List.copyOf(tails.keySet());
    }
}
