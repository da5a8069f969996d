-- Idempotency-Key on POST /api/v1/jobs (docs/api.md): one row per (tenant, key), kept 24 h. The fingerprint is
-- the SHA-256 of the normalised request, so a retry with the same key and body finds its job, and the same key
-- with another body is refused. A key row and its job are written in the same transaction.
CREATE TABLE idempotency_keys (
    tenant      TEXT NOT NULL,
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    job_id      BIGINT REFERENCES jobs(id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
