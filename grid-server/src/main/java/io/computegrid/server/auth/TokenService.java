package io.computegrid.server.auth;

import io.computegrid.model.Role;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Bearer tokens: 256 random bits shown once, stored only as SHA-256 hashes (a fast hash is
 * enough for secrets this long; see docs/decisions/auth-token-hashes.md). Lookups are cached
 * for a few seconds so that authentication does not cost a query per request.
 */
public final class TokenService {
    private static final long CACHE_NANOS = 5_000_000_000L;
    private final Jdbi jdbi;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Optional<Principal> principal, long at) {
    }

    public TokenService(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public record Issued(long id, String token, Role role, String tenant) {
    }

    public Issued create(Role role, String tenant, String name) {
        String token = secret("cg_");
        long id = jdbi.withHandle(h -> h.createUpdate(
                        "INSERT INTO tokens(hash, role, tenant, name) VALUES (:h, :r, :t, :n)")
                .bind("h", hash(token)).bind("r", role.name()).bind("t", tenant).bind("n", name)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        return new Issued(id, token, role, tenant);
    }

    public Optional<Principal> authenticate(String token) {
        if (token == null || token.length() < 10 || token.length() > 200) {
            return Optional.empty();
        }
        String h = hash(token);
        long now = System.nanoTime();
        Cached c = cache.get(h);
        if (c != null && now - c.at < CACHE_NANOS) {
            return c.principal;
        }
        Optional<Principal> p = jdbi.withHandle(x -> x.createQuery(
                        "SELECT id, role, tenant FROM tokens WHERE hash = :h AND revoked_at IS NULL")
                .bind("h", h)
                .map((rs, ctx) -> new Principal(rs.getLong("id"), Role.valueOf(rs.getString("role")),
                        rs.getString("tenant")))
                .findOne());
        if (cache.size() > 10_000) {
            cache.clear();
        }
        cache.put(h, new Cached(p, now));
        return p;
    }

    public void invalidateCache() {
        cache.clear();
    }

    public boolean any(Role role) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM tokens WHERE role = :r AND revoked_at IS NULL")
                .bind("r", role.name()).mapTo(Long.class).one()) > 0;
    }

    /** 256 random bits, URL-safe, after a prefix that says what the secret is for (cg_, cgj_ for join tokens...). */
    public String secret(String prefix) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** How secrets are stored: hex SHA-256 (see docs/decisions/auth-token-hashes.md). */
    public static String hash(String token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
