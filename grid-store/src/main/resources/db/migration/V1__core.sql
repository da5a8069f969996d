-- computegrid core schema. Store migrations use V1..V199; other modules own other ranges.

CREATE TABLE centers (
    name         TEXT PRIMARY KEY,
    region       TEXT NOT NULL,
    tier         TEXT NOT NULL,
    backend      JSONB NOT NULL,
    green_share  DOUBLE PRECISION NOT NULL DEFAULT 0,
    pue          DOUBLE PRECISION NOT NULL DEFAULT 1.3,
    provider     TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'UP',      -- UP, DEGRADED, DOWN
    status_reason TEXT,
    status_since TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE pools (
    center              TEXT NOT NULL REFERENCES centers(name) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    accelerator         TEXT NOT NULL,
    nodes               INT NOT NULL,
    cards_per_node      INT NOT NULL,
    cpu_milli           INT NOT NULL,
    memory_mib          BIGINT NOT NULL,
    price_per_card_hour NUMERIC(20, 6) NOT NULL,
    PRIMARY KEY (center, name)
);

CREATE TABLE nodes (
    name        TEXT PRIMARY KEY,
    center      TEXT NOT NULL,
    pool        TEXT NOT NULL,
    accelerator TEXT NOT NULL,
    cards       INT NOT NULL,
    cpu_milli   INT NOT NULL,
    memory_mib  BIGINT NOT NULL,
    schedulable BOOLEAN NOT NULL DEFAULT TRUE,
    foreign_busy_cards INT NOT NULL DEFAULT 0,
    FOREIGN KEY (center, pool) REFERENCES pools(center, name) ON DELETE CASCADE
);

CREATE TABLE tenants (
    name       TEXT PRIMARY KEY,
    weight     DOUBLE PRECISION NOT NULL DEFAULT 1,
    region     TEXT NOT NULL DEFAULT 'default',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE quotas (
    tenant          TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
    accelerator     TEXT NOT NULL,
    nominal         INT NOT NULL CHECK (nominal >= 0),
    borrowing_limit INT CHECK (borrowing_limit >= 0),
    lending_limit   INT CHECK (lending_limit >= 0),
    PRIMARY KEY (tenant, accelerator)
);

-- tokens are stored only as SHA-256 hashes of 256-bit random secrets
CREATE TABLE tokens (
    id         BIGSERIAL PRIMARY KEY,
    hash       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL CHECK (role IN ('ADMIN', 'OPERATOR', 'MEMBER')),
    tenant     TEXT REFERENCES tenants(name) ON DELETE CASCADE,
    name       TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at TIMESTAMPTZ
);

CREATE TABLE jobs (
    id             BIGSERIAL PRIMARY KEY,
    tenant         TEXT NOT NULL REFERENCES tenants(name),
    name           TEXT NOT NULL,
    spec           JSONB NOT NULL,
    state          TEXT NOT NULL,
    priority_class TEXT NOT NULL,
    priority       INT NOT NULL,
    submitted_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at     TIMESTAMPTZ,
    finished_at    TIMESTAMPTZ,
    center         TEXT,
    pool           TEXT,
    accelerator    TEXT,
    attempt        INT NOT NULL DEFAULT 0,
    handle         TEXT,
    exit_code      INT,
    reason         TEXT,
    stop_request   TEXT,          -- CANCEL, PREEMPT, LOST: why a running job is being stopped
    wait_plugin    TEXT,
    wait_code      TEXT,
    wait_message   TEXT,
    placement      JSONB,         -- the scheduler's explanation of the last placement
    last_checkpoint_at TIMESTAMPTZ,
    attained_ms    BIGINT NOT NULL DEFAULT 0,
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX jobs_active ON jobs (id) WHERE state IN ('PENDING', 'ADMITTED', 'RUNNING');
CREATE INDEX jobs_tenant ON jobs (tenant, id DESC);
CREATE INDEX jobs_state ON jobs (state, id DESC);

CREATE TABLE tasks (
    job_id         BIGINT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    attempt        INT NOT NULL,
    idx            INT NOT NULL,
    node           TEXT NOT NULL,
    cards          TEXT NOT NULL,   -- comma-separated card indices on the node
    milli_per_card INT NOT NULL,
    cpu_milli      INT NOT NULL,
    memory_mib     BIGINT NOT NULL,
    state          TEXT NOT NULL,   -- STARTING, RUNNING, EXITED
    handle         TEXT,
    exit_code      INT,
    reason         TEXT,
    started_at     TIMESTAMPTZ,
    finished_at    TIMESTAMPTZ,
    metered_until  TIMESTAMPTZ,
    PRIMARY KEY (job_id, attempt, idx)
);

-- one row per card held: the primary key makes double allocation of a whole card impossible
CREATE TABLE card_allocations (
    node    TEXT NOT NULL,
    card    INT NOT NULL,
    job_id  BIGINT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    milli   INT NOT NULL CHECK (milli > 0 AND milli <= 1000),
    PRIMARY KEY (node, card, job_id)
);
CREATE INDEX card_allocations_job ON card_allocations (job_id);

CREATE TABLE events (
    id       BIGSERIAL PRIMARY KEY,
    job_id   BIGINT REFERENCES jobs(id) ON DELETE CASCADE,
    tenant   TEXT,
    at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    type     TEXT NOT NULL,
    message  TEXT NOT NULL,
    data     JSONB
);
CREATE INDEX events_job ON events (job_id, id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
