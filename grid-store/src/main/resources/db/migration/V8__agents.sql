-- Pull-mode edge agents (docs/agent.md): join tokens, the agents that joined, the durable commands
-- the server has for each, what each last reported of its tasks, and where each task's log continues.

-- join tokens are stored only as SHA-256 hashes, like user tokens; each is bound to one center
CREATE TABLE agent_join_tokens (
    id         BIGSERIAL PRIMARY KEY,
    hash       TEXT NOT NULL UNIQUE,
    center     TEXT NOT NULL REFERENCES centers(name) ON DELETE CASCADE,
    created_by BIGINT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ,
    joins      INT NOT NULL DEFAULT 0
);

CREATE TABLE agents (
    id              BIGSERIAL PRIMARY KEY,
    center          TEXT NOT NULL REFERENCES centers(name) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    node            TEXT NOT NULL UNIQUE,
    pool            TEXT NOT NULL,
    credential_hash TEXT NOT NULL UNIQUE,
    accelerator     TEXT NOT NULL,
    cards           INT NOT NULL,
    cpu_milli       INT NOT NULL,
    memory_mib      BIGINT NOT NULL,
    address         TEXT NOT NULL,
    port_from       INT NOT NULL,
    port_to         INT NOT NULL,
    version         TEXT,
    session         TEXT,
    status          TEXT NOT NULL DEFAULT 'UP',   -- UP, DOWN (silent past downAfter), LEFT (stopped itself)
    status_reason   TEXT,
    joined_by       BIGINT REFERENCES agent_join_tokens(id) ON DELETE SET NULL,
    registered_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_heartbeat  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (center, name)
);

-- delivered by long poll until acknowledged; at most one of each type per agent and job attempt
CREATE TABLE agent_commands (
    id          BIGSERIAL PRIMARY KEY,
    agent_id    BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    type        TEXT NOT NULL CHECK (type IN ('LAUNCH', 'CANCEL')),
    job_id      BIGINT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    attempt     INT NOT NULL,
    payload     JSONB,
    master_port INT,
    reason      TEXT,
    orphan      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    acked_at    TIMESTAMPTZ,
    UNIQUE (agent_id, type, job_id, attempt)
);
CREATE INDEX agent_commands_pending ON agent_commands (agent_id, id) WHERE acked_at IS NULL;

-- each task as its agent last reported it (a restarted server answers reconcile from this)
CREATE TABLE agent_tasks (
    job_id      BIGINT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    attempt     INT NOT NULL,
    idx         INT NOT NULL,
    agent_id    BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    state       TEXT NOT NULL,                  -- RUNNING, EXITED
    handle      TEXT,
    exit_code   INT,
    reason      TEXT,
    port        INT,
    reported_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, attempt, idx)
);
CREATE INDEX agent_tasks_agent ON agent_tasks (agent_id, state);

-- where an agent-run attempt's log starts in the server's task-N.log (its length when the first chunk came):
-- a chunk at agent offset o belongs at base + o, so a repeated chunk is recognised and never appended twice
CREATE TABLE agent_log_bases (
    job_id  BIGINT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    attempt INT NOT NULL,
    idx     INT NOT NULL,
    base    BIGINT NOT NULL,
    PRIMARY KEY (job_id, attempt, idx)
);
