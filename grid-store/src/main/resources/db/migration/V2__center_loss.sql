-- Jobs requeued away from a center that went down: when the center answers again, whatever it
-- still runs for them is cancelled there, so no job runs twice.
CREATE TABLE orphans (
    job_id  BIGINT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    attempt INT NOT NULL,
    center  TEXT NOT NULL,
    handle  TEXT,
    at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, attempt)
);
ALTER TABLE centers ADD COLUMN failing_since TIMESTAMPTZ;
