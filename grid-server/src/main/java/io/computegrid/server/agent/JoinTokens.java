package io.computegrid.server.agent;

import io.computegrid.server.api.ApiException;
import io.computegrid.server.auth.TokenService;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Join tokens: made by an operator for one agent center, valid until they expire or are revoked, usable by any
 * number of agents in that time (one token bootstraps a fleet). Stored only as SHA-256 hashes; an agent trades
 * one for its own credential at registration and needs it again only if that credential is lost.
 */
final class JoinTokens {
    static final String PREFIX = "cgj_";
    private final Jdbi jdbi;
    private final TokenService tokens;

    JoinTokens(Jdbi jdbi, TokenService tokens) {
        this.jdbi = jdbi;
        this.tokens = tokens;
    }

    record Issued(long id, String token, String center, Instant expiresAt) {
    }

    /** A join token as a registration presents it. */
    record Valid(long id, String center) {
    }

    Issued create(String center, Duration ttl, long createdBy) {
        String token = tokens.secret(PREFIX);
        return jdbi.withHandle(h -> h.createQuery("""
                        INSERT INTO agent_join_tokens(hash, center, created_by, expires_at)
                        VALUES (:h, :c, :by, now() + make_interval(secs => :ttl)) RETURNING id, expires_at""")
                .bind("h", TokenService.hash(token)).bind("c", center).bind("by", createdBy)
                .bind("ttl", ttl.toMillis() / 1000.0)
                .map((rs, ctx) -> new Issued(rs.getLong("id"), token, center, rs.getTimestamp("expires_at").toInstant()))
                .one());
    }

    /** Looks a presented token up; empty when it is not a join token at all. Expired or revoked: 401 saying so. */
    Optional<Valid> check(String token) {
        if (token == null || !token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        record Row(long id, String center, boolean expired, boolean revoked) {
        }
        Optional<Row> row = jdbi.withHandle(h -> h.createQuery("""
                        SELECT id, center, expires_at <= now() AS expired, revoked_at IS NOT NULL AS revoked
                        FROM agent_join_tokens WHERE hash = :h""").bind("h", TokenService.hash(token))
                .map((rs, ctx) -> new Row(rs.getLong("id"), rs.getString("center"), rs.getBoolean("expired"),
                        rs.getBoolean("revoked"))).findOne());
        if (row.isEmpty()) {
            return Optional.empty();
        }
        if (row.get().revoked()) {
            throw unauthorized("the join token was revoked; ask an operator for a new one (grid agent token)");
        }
        if (row.get().expired()) {
            throw unauthorized("the join token has expired; ask an operator for a new one (grid agent token)");
        }
        return Optional.of(new Valid(row.get().id(), row.get().center()));
    }

    /** Revokes a join token; false when there is none with that id. Agents that joined with it keep working. */
    boolean revoke(long id) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "UPDATE agent_join_tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE id = :id")
                .bind("id", id).execute()) > 0;
    }

    static ApiException unauthorized(String detail) {
        return new ApiException(401, "Unauthorized", detail);
    }
}
