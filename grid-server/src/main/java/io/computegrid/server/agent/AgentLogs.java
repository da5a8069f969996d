package io.computegrid.server.agent;

import io.computegrid.agentapi.AgentApi.LogAccepted;
import io.computegrid.server.api.ApiException;
import io.computegrid.server.jobs.JobPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Appends an agent's log chunks to the server's usual {@code DATA/jobs/<id>/logs/task-N.log}, so that
 * {@code grid logs [--follow]} reads agent-run tasks like local ones. A chunk carries its offset in the agent's
 * file of that attempt; the attempt's base (the server file's length when its first chunk came) maps it to a
 * place in the server's file, whose length says what is already there: a repeated chunk is skipped, an
 * overlapping one appends only its new tail, and a gap is answered with where the agent must resume.
 */
final class AgentLogs {
    private final Jdbi jdbi;
    private final JobPaths paths;
    private final Map<Path, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, Long> bases = new ConcurrentHashMap<>();

    AgentLogs(Jdbi jdbi, JobPaths paths) {
        this.jdbi = jdbi;
        this.paths = paths;
    }

    LogAccepted append(AgentRow agent, long jobId, int attempt, int task, long offset, byte[] data) {
        record Owner(String state, int attempt, String node) {
        }
        Owner o = jdbi.withHandle(h -> h.createQuery("""
                        SELECT j.state, j.attempt, t.node FROM jobs j
                        LEFT JOIN tasks t ON t.job_id = j.id AND t.attempt = :a AND t.idx = :i WHERE j.id = :j""")
                .bind("j", jobId).bind("a", attempt).bind("i", task)
                .map((rs, ctx) -> new Owner(rs.getString("state"), rs.getInt("attempt"), rs.getString("node")))
                .findOne()).orElseThrow(() -> ApiException.notFound("no job " + jobId));
        if (!agent.node().equals(o.node())) {
            throw ApiException.forbidden("task " + task + " of job " + jobId + " attempt " + attempt
                    + " does not run on node " + agent.node());
        }
        if (o.attempt() != attempt || "PENDING".equals(o.state())) {
            // an attempt the job has given up (requeued while this agent was away): its output would interleave
            return new LogAccepted(offset + data.length, true);
        }
        Path file = paths.log(jobId, task);
        synchronized (locks.computeIfAbsent(file, k -> new Object())) {
            try {
                Files.createDirectories(file.getParent());
                long length = Files.exists(file) ? Files.size(file) : 0;
                long base = base(jobId, attempt, task, length);
                if (length < base) { // the server's file was cut or removed: carry on at its end
                    base = rebase(jobId, attempt, task, length);
                }
                long at = base + offset;
                if (at > length) {
                    return new LogAccepted(Math.max(0, length - base), false); // a gap: resend from there
                }
                long skip = Math.min(data.length, length - at);
                if (skip < data.length) {
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.APPEND)) {
                        ByteBuffer b = ByteBuffer.wrap(data, (int) skip, data.length - (int) skip);
                        while (b.hasRemaining()) {
                            ch.write(b);
                        }
                    }
                }
                return new LogAccepted(offset + data.length, false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to " + file, e);
            }
        }
    }

    private long rebase(long jobId, int attempt, int task, long length) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE agent_log_bases SET base = :b WHERE job_id = :j AND attempt = :a "
                + "AND idx = :i").bind("j", jobId).bind("a", attempt).bind("i", task).bind("b", length).execute());
        bases.put(jobId + "/" + attempt + "/" + task, length);
        return length;
    }

    /** The attempt's base: from memory after its first chunk (it never changes but by {@link #rebase}). */
    private long base(long jobId, int attempt, int task, long length) {
        String key = jobId + "/" + attempt + "/" + task;
        Long known = bases.get(key);
        if (known != null) {
            return known;
        }
        if (bases.size() > 100_000) {
            bases.clear();
        }
        long b = jdbi.inTransaction(h -> {
            h.createUpdate("INSERT INTO agent_log_bases(job_id, attempt, idx, base) VALUES (:j, :a, :i, :b) "
                    + "ON CONFLICT DO NOTHING").bind("j", jobId).bind("a", attempt).bind("i", task).bind("b", length)
                    .execute();
            return h.createQuery("SELECT base FROM agent_log_bases WHERE job_id = :j AND attempt = :a AND idx = :i")
                    .bind("j", jobId).bind("a", attempt).bind("i", task).mapTo(Long.class).one();
        });
        bases.put(key, b);
        return b;
    }
}
