-- The service catalogue: what a category implies for a ticket filed under it.
CREATE TABLE categories (
    key                 text        PRIMARY KEY,
    name                text        NOT NULL,
    default_priority    text        NOT NULL CHECK (default_priority IN ('low', 'normal', 'high', 'urgent')),
    required_skills     text[]      NOT NULL DEFAULT '{}',
    team                text,
    approval_threshold  numeric(14, 2) DEFAULT 5000,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE tickets
    ADD COLUMN channel            text          NOT NULL DEFAULT 'api',
    ADD COLUMN category           text          REFERENCES categories (key),
    ADD COLUMN team               text,
    ADD COLUMN language           text          NOT NULL DEFAULT 'en',
    ADD COLUMN tags               text[]        NOT NULL DEFAULT '{}',
    ADD COLUMN custom_fields      jsonb         NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN amount             numeric(14, 2),
    ADD COLUMN watchers           text[]        NOT NULL DEFAULT '{}',
    ADD COLUMN external_ref       text,
    ADD COLUMN impact             text,
    ADD COLUMN urgency            text,
    ADD COLUMN priority_rank      integer       NOT NULL DEFAULT 2,
    ADD COLUMN version            integer       NOT NULL DEFAULT 1,
    ADD COLUMN escalation_level   integer       NOT NULL DEFAULT 0,
    ADD COLUMN first_response_at  timestamptz,
    ADD COLUMN resolved_at        timestamptz,
    ADD COLUMN closed_at          timestamptz,
    ADD COLUMN reopen_count       integer       NOT NULL DEFAULT 0,
    ADD COLUMN sla_breached       boolean       NOT NULL DEFAULT false,
    ADD COLUMN search_public      tsvector      NOT NULL DEFAULT ''::tsvector,
    ADD COLUMN search_comments    tsvector      NOT NULL DEFAULT ''::tsvector,
    ADD COLUMN search_internal    tsvector      NOT NULL DEFAULT ''::tsvector;

ALTER TABLE tickets ADD CONSTRAINT tickets_status_check CHECK (status IN
    ('new', 'pending_approval', 'open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'));
ALTER TABLE tickets ADD CONSTRAINT tickets_channel_check CHECK (channel IN
    ('web', 'app', 'email', 'chat', 'phone', 'api'));

CREATE INDEX tickets_created ON tickets (created_at, id);
CREATE INDEX tickets_updated ON tickets (updated_at, id);
CREATE INDEX tickets_priority ON tickets (priority_rank, created_at, id);
CREATE INDEX tickets_status ON tickets (status, created_at);
CREATE INDEX tickets_owner ON tickets (owner_agent_id) WHERE owner_agent_id IS NOT NULL;
CREATE INDEX tickets_team ON tickets (team, created_at);
CREATE INDEX tickets_tags ON tickets USING gin (tags);
CREATE INDEX tickets_search_public ON tickets USING gin (search_public);
CREATE INDEX tickets_search_comments ON tickets USING gin (search_comments);
CREATE INDEX tickets_search_internal ON tickets USING gin (search_internal);

CREATE TABLE comments (
    id           uuid        PRIMARY KEY,
    ticket_id    uuid        NOT NULL REFERENCES tickets (id),
    author_id    text        NOT NULL,
    author_role  text        NOT NULL CHECK (author_role IN ('requester', 'agent', 'approver', 'admin', 'system')),
    public       boolean     NOT NULL,
    body         text        NOT NULL,
    created_at   timestamptz NOT NULL
);

CREATE INDEX comments_ticket ON comments (ticket_id, created_at);

CREATE TABLE feedback (
    ticket_id    uuid        PRIMARY KEY REFERENCES tickets (id),
    rating       integer     NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment      text,
    created_at   timestamptz NOT NULL
);

-- Every event of a ticket, from all four services, in the order it happened.
CREATE TABLE timeline (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id    uuid        NOT NULL,
    event_id     uuid        NOT NULL UNIQUE,
    event_type   text        NOT NULL,
    source       text        NOT NULL,
    occurred_at  timestamptz NOT NULL,
    data         jsonb       NOT NULL
);

CREATE INDEX timeline_ticket ON timeline (ticket_id, occurred_at, id);

-- API keys: only a SHA-256 of the secret part is kept.
CREATE TABLE credentials (
    id           text        PRIMARY KEY,
    name         text        NOT NULL,
    role         text        NOT NULL CHECK (role IN ('requester', 'agent', 'approver', 'admin')),
    subject      text        NOT NULL,
    secret_hash  bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);

CREATE TABLE idempotency_keys (
    credential_id    text        NOT NULL,
    key              text        NOT NULL,
    request_hash     bytea       NOT NULL,
    response_status  integer,
    response_body    jsonb,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (credential_id, key)
);
