package io.computegrid.server.agent;

import io.computegrid.agentapi.AgentApi.Registration;
import io.computegrid.server.api.ApiException;
import io.computegrid.server.auth.TokenService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** SQL for the agents table: joining, re-registering, heartbeats, silence and departures. */
final class AgentStore {
    static final String CREDENTIAL_PREFIX = "cga_";
    private final Jdbi jdbi;

    AgentStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    /** The agent a presented credential belongs to; empty for anything else (user tokens, join tokens, junk). */
    Optional<AgentRow> byCredential(String token) {
        if (token == null || !token.startsWith(CREDENTIAL_PREFIX) || token.length() > 200) {
            return Optional.empty();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM agents WHERE credential_hash = :h")
                .bind("h", TokenService.hash(token)).map((rs, ctx) -> AgentRow.of(rs)).findOne());
    }

    Optional<AgentRow> find(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM agents WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> AgentRow.of(rs)).findOne());
    }

    /** What a join did: the agent now, and the one it replaced under the same name (null for a new name). */
    record Joined(AgentRow agent, AgentRow replaced) {
    }

    /**
     * Creates the agent, or gives an existing name to a new agent process that lost its credential. A name whose
     * agent still heartbeats (another box with the same name) is refused with 409 until that one falls silent.
     */
    Joined join(long joinToken, String center, Registration r, String node, String pool, String credential,
                Duration downAfter) {
        return jdbi.inTransaction(h -> {
            String other = h.createQuery("SELECT center FROM nodes WHERE name = :n AND center <> :c")
                    .bind("n", node).bind("c", center).mapTo(String.class).findOne().orElse(null);
            if (other != null) {
                throw ApiException.conflict("name: node name " + node + " is taken by center " + other
                        + "; choose another --name");
            }
            AgentRow old = h.createQuery("SELECT * FROM agents WHERE center = :c AND name = :n FOR UPDATE")
                    .bind("c", center).bind("n", r.name()).map((rs, ctx) -> AgentRow.of(rs)).findOne().orElse(null);
            if (old != null && AgentRow.UP.equals(old.status()) && !r.session().equals(old.session())
                    && old.lastHeartbeat().isAfter(now(h).minus(downAfter))) {
                throw ApiException.conflict("name: agent " + r.name() + " of center " + center + " is connected from "
                        + old.address() + " (last heartbeat " + old.lastHeartbeat() + "); choose another --name, or "
                        + "wait until that agent has been silent for " + downAfter.toSeconds() + "s");
            }
            AgentRow now = h.createQuery("""
                            INSERT INTO agents(center, name, node, pool, credential_hash, accelerator, cards, cpu_milli,
                                memory_mib, address, port_from, port_to, version, session, joined_by)
                            VALUES (:c, :n, :node, :pool, :cred, :acc, :cards, :cpu, :mem, :addr, :pf, :pt, :v, :s, :jt)
                            ON CONFLICT (center, name) DO UPDATE SET credential_hash = :cred, pool = :pool,
                                accelerator = :acc, cards = :cards, cpu_milli = :cpu, memory_mib = :mem, address = :addr,
                                port_from = :pf, port_to = :pt, version = :v, session = :s, joined_by = :jt,
                                status = 'UP', status_reason = NULL, last_heartbeat = now()
                            RETURNING *""")
                    .bind("c", center).bind("n", r.name()).bind("node", node).bind("pool", pool)
                    .bind("cred", TokenService.hash(credential)).bind("jt", joinToken)
                    .bindMap(resources(r)).map((rs, ctx) -> AgentRow.of(rs)).one();
            h.createUpdate("UPDATE agent_join_tokens SET joins = joins + 1 WHERE id = :id").bind("id", joinToken)
                    .execute();
            return new Joined(now, old);
        });
    }

    /** A known agent (re)starting: its resources, address and session may have changed. */
    AgentRow reRegister(AgentRow a, Registration r, String pool) {
        return jdbi.withHandle(h -> h.createQuery("""
                        UPDATE agents SET pool = :pool, accelerator = :acc, cards = :cards, cpu_milli = :cpu,
                            memory_mib = :mem, address = :addr, port_from = :pf, port_to = :pt, version = :v,
                            session = :s, status = 'UP', status_reason = NULL, last_heartbeat = now()
                        WHERE id = :id RETURNING *""")
                .bind("id", a.id()).bind("pool", pool).bindMap(resources(r))
                .map((rs, ctx) -> AgentRow.of(rs)).one());
    }

    private static java.util.Map<String, Object> resources(Registration r) {
        java.util.Map<String, Object> m = new java.util.HashMap<>();
        m.put("acc", r.accelerator());
        m.put("cards", r.cards());
        m.put("cpu", r.cpuMilli());
        m.put("mem", r.memoryMiB());
        m.put("addr", r.address());
        m.put("pf", r.portFrom());
        m.put("pt", r.portTo());
        m.put("v", r.version());
        m.put("s", r.session());
        return m;
    }

    /** Records a heartbeat; returns the status the agent had before it (DOWN or LEFT: it is back). */
    String heartbeat(long id) {
        return jdbi.withHandle(h -> h.createQuery("""
                        UPDATE agents a SET last_heartbeat = now(), status = 'UP', status_reason = NULL
                        FROM (SELECT id, status FROM agents WHERE id = :id FOR UPDATE) old
                        WHERE a.id = old.id RETURNING old.status""")
                .bind("id", id).mapTo(String.class).one());
    }

    /** Agents of a center that were UP and silent for {@code downAfter}, counting from {@code since} at the latest. */
    List<AgentRow> silent(String center, Duration downAfter, Instant since) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM agents WHERE center = :c AND status = 'UP'
                          AND greatest(last_heartbeat, :since) < now() - make_interval(secs => :down)""")
                .bind("c", center).bind("since", java.sql.Timestamp.from(since))
                .bind("down", downAfter.toMillis() / 1000.0).map((rs, ctx) -> AgentRow.of(rs)).list());
    }

    /**
     * UP to DOWN or LEFT ({@code silentFor}: only if it has not reported for that long); false when another thread
     * (or a heartbeat) got there first.
     */
    boolean leave(long id, String status, String reason, Duration silentFor) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE agents SET status = :s, status_reason = :r "
                        + "WHERE id = :id AND status = 'UP'"
                        + (silentFor != null ? " AND last_heartbeat < now() - make_interval(secs => :down)" : ""))
                .bind("s", status).bind("r", reason).bind("id", id)
                .bind("down", silentFor == null ? 0 : silentFor.toMillis() / 1000.0).execute()) > 0;
    }

    /**
     * Removes an agent that is not UP, with its node (and its pool when no node is left in it), its queued
     * commands and task reports, in one transaction: its credential stops working, and it can only join again
     * with a join token. Refused while it is UP or while its node still holds cards.
     */
    AgentRow remove(String node) {
        return jdbi.inTransaction(h -> {
            AgentRow a = h.createQuery("SELECT * FROM agents WHERE node = :n FOR UPDATE").bind("n", node)
                    .map((rs, ctx) -> AgentRow.of(rs)).findOne()
                    .orElseThrow(() -> ApiException.notFound("no agent with node " + node));
            if (AgentRow.UP.equals(a.status())) {
                long silent = Math.max(0, Duration.between(a.lastHeartbeat(), now(h)).toSeconds());
                throw ApiException.conflict("agent " + a.name() + " of center " + a.center() + " is UP (last heartbeat "
                        + silent + " s ago): stop it first (SIGTERM to grid agent), or wait until it is DOWN");
            }
            List<Long> holding = h.createQuery("SELECT DISTINCT job_id FROM card_allocations WHERE node = :n ORDER BY job_id")
                    .bind("n", node).mapTo(Long.class).list();
            if (!holding.isEmpty()) {
                throw ApiException.conflict("node " + node + " still holds cards of job(s) " + holding
                        + " (being requeued); try again in a moment");
            }
            h.createUpdate("DELETE FROM agents WHERE id = :id").bind("id", a.id()).execute();
            h.createUpdate("DELETE FROM nodes WHERE name = :n").bind("n", node).execute();
            h.createUpdate("""
                    UPDATE pools SET nodes = (SELECT count(*) FROM nodes WHERE center = :c AND pool = :p)
                    WHERE center = :c AND name = :p""").bind("c", a.center()).bind("p", a.pool()).execute();
            h.createUpdate("DELETE FROM pools WHERE center = :c AND name = :p AND nodes = 0")
                    .bind("c", a.center()).bind("p", a.pool()).execute();
            // its undelivered cancels went with it: an attempt no other agent still has to cancel is no orphan any more
            h.createUpdate("""
                    DELETE FROM orphans o WHERE o.center = :c AND NOT EXISTS (SELECT 1 FROM agent_commands m
                        WHERE m.job_id = o.job_id AND m.attempt = o.attempt AND m.type = 'CANCEL' AND m.acked_at IS NULL)""")
                    .bind("c", a.center()).execute();
            return a;
        });
    }

    /** Sets or clears the agent's draining flag; empty when there is no agent with that node. */
    Optional<AgentRow> drain(String node, boolean draining) {
        return jdbi.withHandle(h -> h.createQuery("UPDATE agents SET draining = :d WHERE node = :n RETURNING *")
                .bind("d", draining).bind("n", node).map((rs, ctx) -> AgentRow.of(rs)).findOne());
    }

    List<AgentRow> ofCenter(String center) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM agents WHERE center = :c ORDER BY name")
                .bind("c", center).map((rs, ctx) -> AgentRow.of(rs)).list());
    }

    List<AgentRow> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM agents ORDER BY center, name")
                .map((rs, ctx) -> AgentRow.of(rs)).list());
    }

    static Optional<AgentRow> byNode(Handle h, String node) {
        return h.createQuery("SELECT * FROM agents WHERE node = :n").bind("n", node)
                .map((rs, ctx) -> AgentRow.of(rs)).findOne();
    }

    Instant now() {
        return jdbi.withHandle(AgentStore::now);
    }

    private static Instant now(Handle h) {
        return h.createQuery("SELECT now()").mapTo(java.sql.Timestamp.class).one().toInstant();
    }
}
