package io.computegrid.server.agent;

import io.computegrid.agentapi.AgentApi;
import io.computegrid.agentapi.AgentApi.Command;
import io.computegrid.agentapi.AgentApi.LaunchSpec;
import io.computegrid.server.api.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The durable command queue of each agent (table agent_commands): a command is written in the transaction that
 * decides it, delivered by every poll until the agent acknowledges it, and never lost by a server restart. A poll
 * with nothing to deliver waits on an in-memory signal that {@link #signal} fires after the deciding commit.
 */
final class AgentCommands {
    private final Jdbi jdbi;
    private final Map<Long, List<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();
    /** Set at shutdown: the last answers are written by the thread that wakes the polls, before the API stops. */
    private volatile boolean closing;

    AgentCommands(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Queues one agent's part of a gang; a second launch of the same attempt changes nothing. */
    static void launch(Handle h, long agentId, long jobId, int attempt, LaunchSpec spec, Integer masterPort) {
        h.createUpdate("""
                        INSERT INTO agent_commands(agent_id, type, job_id, attempt, payload, master_port)
                        VALUES (:a, 'LAUNCH', :j, :at, CAST(:p AS jsonb), :mp) ON CONFLICT DO NOTHING""")
                .bind("a", agentId).bind("j", jobId).bind("at", attempt).bind("p", Json.MAPPER.writeValueAsString(spec))
                .bind("mp", masterPort).execute();
    }

    /**
     * Stops a job attempt on the given agents: launches not yet acknowledged are withdrawn (an agent that already
     * has one in hand reports its tasks, which are then not wanted and cancelled) and a CANCEL is queued for each.
     * {@code orphan}: the attempt was given up while an agent was unreachable; acknowledged cancels are events.
     * Returns the agents whose launch was withdrawn.
     */
    static List<Long> cancel(Handle h, Collection<Long> agentIds, long jobId, int attempt, String reason,
                             boolean orphan) {
        List<Long> withdrawn = h.createQuery("DELETE FROM agent_commands WHERE job_id = :j AND attempt = :a "
                        + "AND type = 'LAUNCH' AND acked_at IS NULL RETURNING agent_id")
                .bind("j", jobId).bind("a", attempt).mapTo(Long.class).list();
        for (long agent : agentIds) {
            h.createUpdate("""
                            INSERT INTO agent_commands(agent_id, type, job_id, attempt, reason, orphan)
                            VALUES (:ag, 'CANCEL', :j, :a, :r, :o) ON CONFLICT DO NOTHING""")
                    .bind("ag", agent).bind("j", jobId).bind("a", attempt).bind("r", reason).bind("o", orphan)
                    .execute();
        }
        return withdrawn;
    }

    /** The agents that run or will run tasks of a job attempt (by the nodes its tasks were placed on). */
    static List<Long> agentsOf(Handle h, long jobId, int attempt) {
        return h.createQuery("""
                        SELECT DISTINCT a.id FROM tasks t JOIN agents a ON a.node = t.node
                        WHERE t.job_id = :j AND t.attempt = :a ORDER BY a.id""")
                .bind("j", jobId).bind("a", attempt).mapTo(Long.class).list();
    }

    /** Commands not yet acknowledged, oldest first. */
    List<Command> pending(long agentId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT id, type, job_id, attempt, payload::text AS payload, reason FROM agent_commands
                        WHERE agent_id = :a AND acked_at IS NULL ORDER BY id LIMIT 100""")
                .bind("a", agentId)
                .map((rs, ctx) -> new Command(rs.getLong("id"), rs.getString("type"), rs.getLong("job_id"),
                        rs.getInt("attempt"), rs.getString("payload") == null ? null
                        : Json.MAPPER.readValue(rs.getString("payload"), LaunchSpec.class), rs.getString("reason")))
                .list());
    }

    /** An acknowledged command the caller may want to tell about. */
    record Acked(long jobId, int attempt, String type, boolean orphan) {
    }

    /** Marks the agent's commands done; ids of other agents or acknowledged before are ignored (idempotent). */
    List<Acked> ack(long agentId, List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("""
                        UPDATE agent_commands SET acked_at = now()
                        WHERE agent_id = :a AND id = ANY(:ids) AND acked_at IS NULL
                        RETURNING job_id, attempt, type, orphan""")
                .bind("a", agentId).bindArray("ids", Long.class, ids)
                .map((rs, ctx) -> new Acked(rs.getLong("job_id"), rs.getInt("attempt"), rs.getString("type"),
                        rs.getBoolean("orphan"))).list());
    }

    /** True while some CANCEL of the attempt waits for an agent. */
    boolean cancelsOutstanding(long jobId, int attempt) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT count(*) FROM agent_commands WHERE job_id = :j AND attempt = :a AND type = 'CANCEL'
                          AND acked_at IS NULL""").bind("j", jobId).bind("a", attempt).mapTo(Long.class).one()) > 0;
    }

    /** Completes after {@code millis}, or earlier when a command for the agent is committed. */
    CompletableFuture<Void> await(long agentId, long millis) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        List<CompletableFuture<Void>> list = waiting.computeIfAbsent(agentId, k -> new CopyOnWriteArrayList<>());
        list.add(f);
        f.completeOnTimeout(null, Math.max(0, Math.min(millis, AgentApi.MAX_WAIT_MILLIS)), TimeUnit.MILLISECONDS);
        f.whenComplete((v, e) -> list.remove(f));
        return f;
    }

    /** Wakes the polls of these agents; call after the transaction that queued their commands commits. */
    void signal(Collection<Long> agentIds) {
        for (long id : agentIds) {
            List<CompletableFuture<Void>> list = waiting.get(id);
            if (list != null) {
                for (CompletableFuture<Void> f : new ArrayList<>(list)) {
                    f.complete(null);
                }
            }
        }
    }

    /**
     * Where a woken poll reads its commands and answers: the common pool normally, so that the thread committing a
     * command does not write HTTP answers; the waking thread itself at shutdown, so that every poll is answered
     * before the API stops (see {@link io.computegrid.server.api.AsyncAnswers}).
     */
    java.util.concurrent.Executor answers() {
        return r -> {
            if (closing) {
                r.run();
            } else {
                java.util.concurrent.ForkJoinPool.commonPool().execute(r);
            }
        };
    }

    /** Ends every waiting poll (shutdown): the agents poll again, at the next active server. */
    void wakeAll() {
        closing = true;
        for (long id : List.copyOf(waiting.keySet())) {
            signal(List.of(id));
        }
    }
}
