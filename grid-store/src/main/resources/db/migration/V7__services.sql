-- Inference services (docs/services.md). A service row is desired state (spec, replica count, crash-loop
-- backoff); each replica is an ordinary job row with service_id set, so quota, scheduling, explain and metering
-- treat serving and training alike. The service controller reconciles one with the other.
CREATE TABLE services (
    id               BIGSERIAL PRIMARY KEY,
    tenant           TEXT NOT NULL REFERENCES tenants(name),
    name             TEXT NOT NULL,
    spec             JSONB NOT NULL,
    state            TEXT NOT NULL DEFAULT 'ACTIVE' CHECK (state IN ('ACTIVE', 'DELETED')),
    desired_replicas INT NOT NULL CHECK (desired_replicas >= 0),
    failures         INT NOT NULL DEFAULT 0,      -- consecutive replica failures; a ready replica resets it
    next_replica_at  TIMESTAMPTZ,                 -- crash-loop backoff: no new replica before this
    exits_seen_at    TIMESTAMPTZ NOT NULL DEFAULT now(), -- replica exits up to here are counted
    replicas_created INT NOT NULL DEFAULT 0,      -- names replicas chat-r1, chat-r2, ...
    generation       INT NOT NULL DEFAULT 1,      -- each PUT adds one
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at       TIMESTAMPTZ
);
-- names are unique among a tenant's live services; a deleted name may be used again
CREATE UNIQUE INDEX services_live_name ON services (tenant, name) WHERE state = 'ACTIVE';

ALTER TABLE jobs ADD COLUMN service_id BIGINT REFERENCES services(id);
CREATE INDEX jobs_service ON jobs (service_id, id) WHERE service_id IS NOT NULL;

-- where a serving task listens (host:port), reported by its backend before the task starts
ALTER TABLE tasks ADD COLUMN endpoint TEXT;

CREATE TABLE service_events (
    id         BIGSERIAL PRIMARY KEY,
    service_id BIGINT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    type       TEXT NOT NULL,
    message    TEXT NOT NULL
);
CREATE INDEX service_events_service ON service_events (service_id, id);
