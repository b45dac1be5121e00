-- The service's audit log: every change to configuration and access, hash-chained (each entry's
-- hash covers the entry and the previous entry's hash; `verify-audit` recomputes the chain).
CREATE TABLE audit_log (
    sequence bigint PRIMARY KEY CHECK (sequence >= 1),
    entity text NOT NULL,
    entity_id text NOT NULL,
    action text NOT NULL,
    actor jsonb NOT NULL,
    before jsonb,
    after jsonb,
    changes jsonb NOT NULL DEFAULT '[]',
    recorded_at timestamptz NOT NULL,
    previous_hash text NOT NULL,
    hash text NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, sequence);
CREATE INDEX audit_log_recorded_at ON audit_log (recorded_at);
CREATE INDEX audit_log_actor ON audit_log ((actor ->> 'subject'), sequence);
