package io.computegrid.server.jobs;

import io.computegrid.server.api.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code Idempotency-Key} on submissions: the first request with a key (per tenant) creates the job and keeps
 * the key with the request's fingerprint for {@link #KEPT}; a retry with the same key and the same request gets
 * that job back; the same key with another request is refused (422). Concurrent duplicates serialise on the
 * key's primary key, so exactly one of them creates a job.
 */
public final class IdempotencyKeys {
    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    public static final Duration KEPT = Duration.ofHours(24);
    public static final int MAX_LENGTH = 255;
    private static final Pattern VALID = Pattern.compile("[\\x21-\\x7E]{1," + MAX_LENGTH + "}");
    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(tools.jackson.databind.cfg.JsonNodeFeature.WRITE_PROPERTIES_SORTED).build();

    private IdempotencyKeys() {
    }

    /** Null when absent; otherwise the key, or 400 when it is empty, too long or holds spaces or control characters. */
    public static String validate(String header) {
        if (header == null) {
            return null;
        }
        if (!VALID.matcher(header).matches()) {
            throw ApiException.badRequest(HEADER + ": must be 1 to " + MAX_LENGTH
                    + " visible ASCII characters (no spaces), such as a UUID");
        }
        return header;
    }

    /** The request's fingerprint: the SHA-256 of its normalised document, properties in name order. */
    public static String fingerprint(JsonNode normalised) {
        try {
            byte[] canonical = CANONICAL.writeValueAsString(normalised).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Claims the key in the submission's transaction. Empty: the key is new (or had expired) and now belongs to
     * this request, which must {@link #attach} its job. Present: the job an earlier identical request created.
     * Throws 422 when the key was used with a different request.
     */
    public static Optional<Long> claim(Handle h, String tenant, String key, String fingerprint) {
        int claimed = h.createUpdate("""
                        INSERT INTO idempotency_keys(tenant, key, fingerprint) VALUES (:t, :k, :f)
                        ON CONFLICT (tenant, key) DO UPDATE SET fingerprint = :f, job_id = NULL, created_at = now()
                        WHERE idempotency_keys.created_at < now() - CAST(:kept AS interval)""")
                .bind("t", tenant).bind("k", key).bind("f", fingerprint).bind("kept", KEPT.toSeconds() + " seconds")
                .execute();
        if (claimed == 1) {
            return Optional.empty();
        }
        var row = h.createQuery("SELECT fingerprint, job_id FROM idempotency_keys WHERE tenant = :t AND key = :k")
                .bind("t", tenant).bind("k", key).mapToMap().one();
        if (!fingerprint.equals(row.get("fingerprint"))) {
            throw ApiException.unprocessable(HEADER + ": '" + io.computegrid.server.api.Api.clip(key)
                    + "' was used for a different request (job " + row.get("job_id") + "); use a new key for a new job");
        }
        return Optional.of(((Number) row.get("job_id")).longValue());
    }

    public static void attach(Handle h, String tenant, String key, long jobId) {
        h.createUpdate("UPDATE idempotency_keys SET job_id = :j WHERE tenant = :t AND key = :k")
                .bind("j", jobId).bind("t", tenant).bind("k", key).execute();
    }

    /** Forgets keys older than {@link #KEPT} (a periodic task of the active server); never throws. */
    public static int prune(Jdbi jdbi) {
        try {
            return jdbi.withHandle(h -> h.createUpdate(
                            "DELETE FROM idempotency_keys WHERE created_at < now() - CAST(:kept AS interval)")
                    .bind("kept", KEPT.toSeconds() + " seconds").execute());
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(IdempotencyKeys.class).warn("pruning idempotency keys failed: {}", e.toString());
            return 0;
        }
    }
}
