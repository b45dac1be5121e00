CREATE TABLE agents (
    id                uuid        PRIMARY KEY,
    name              text        NOT NULL,
    team              text        NOT NULL,
    skills            text[]      NOT NULL DEFAULT '{}',
    capacity          integer     NOT NULL CHECK (capacity >= 0),
    load              integer     NOT NULL DEFAULT 0 CHECK (load >= 0),
    status            text        NOT NULL CHECK (status IN ('online', 'away', 'offline')),
    last_assigned_at  timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX agents_skills ON agents USING gin (skills);
CREATE INDEX agents_available ON agents (status) WHERE status = 'online';

-- One row per ticket: the primary key is what makes "never two owners" hold.
CREATE TABLE assignments (
    ticket_id    uuid        PRIMARY KEY,
    agent_id     uuid        NOT NULL REFERENCES agents (id),
    assigned_at  timestamptz NOT NULL
);

CREATE TABLE queued_tickets (
    ticket_id        uuid        PRIMARY KEY,
    required_skills  text[]      NOT NULL,
    priority         text        NOT NULL,
    priority_rank    integer     NOT NULL,
    trace_carrier    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    queued_at        timestamptz NOT NULL
);

CREATE INDEX queued_tickets_order ON queued_tickets (priority_rank, queued_at);
