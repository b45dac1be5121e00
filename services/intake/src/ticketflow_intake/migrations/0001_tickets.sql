CREATE TABLE tickets (
    id               uuid        PRIMARY KEY,
    subject          text        NOT NULL,
    description      text        NOT NULL,
    requester        jsonb       NOT NULL,
    requester_id     text        NOT NULL,
    priority         text        NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    required_skills  text[]      NOT NULL DEFAULT '{}',
    status           text        NOT NULL DEFAULT 'new',
    owner_agent_id   uuid,
    owner_agent_name text,
    owner_team       text,
    assigned_at      timestamptz,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);

CREATE INDEX tickets_requester ON tickets (requester_id, created_at);
