-- Endpoints: webhook (CloudEvents) or chat (Slack-compatible JSON), with an owner to tell,
-- a concurrency limit, a circuit breaker and automatic disabling.
ALTER TABLE endpoints
    ADD COLUMN kind                 text        NOT NULL DEFAULT 'webhook'
                                                CHECK (kind IN ('webhook', 'chat')),
    ADD COLUMN owner_email          text,
    ADD COLUMN max_concurrency      integer     NOT NULL DEFAULT 16 CHECK (max_concurrency > 0),
    ADD COLUMN consecutive_failures integer     NOT NULL DEFAULT 0,
    ADD COLUMN failing_since        timestamptz,
    ADD COLUMN circuit_open_until   timestamptz,
    ADD COLUMN disabled_at          timestamptz,
    ADD COLUMN disabled_reason      text;

-- Signing secrets: several are active during a rotation's overlap; each signs every delivery.
CREATE TABLE endpoint_secrets (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    endpoint_id  uuid        NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    secret       text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz
);
CREATE INDEX endpoint_secrets_endpoint ON endpoint_secrets (endpoint_id, created_at DESC);
INSERT INTO endpoint_secrets (endpoint_id, secret, created_at)
    SELECT id, secret, created_at FROM endpoints;
ALTER TABLE endpoints DROP COLUMN secret;

-- Which events go to which target: an endpoint, an email address or a role.
CREATE TABLE subscriptions (
    id                   uuid        PRIMARY KEY,
    description          text        NOT NULL DEFAULT '',
    event_types          text[]      NOT NULL DEFAULT '{}',
    teams                text[]      NOT NULL DEFAULT '{}',
    priorities           text[]      NOT NULL DEFAULT '{}',
    policies             text[]      NOT NULL DEFAULT '{}',
    min_escalation_level integer,
    endpoint_id          uuid        REFERENCES endpoints (id) ON DELETE CASCADE,
    email                text,
    role                 text        CHECK (role IN ('assignee', 'team_lead', 'escalation_targets',
                                                     'watchers', 'requester')),
    digest_seconds       integer     CHECK (digest_seconds > 0),
    enabled              boolean     NOT NULL DEFAULT true,
    created_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (num_nonnulls(endpoint_id, email, role) = 1)
);
CREATE INDEX subscriptions_endpoint ON subscriptions (endpoint_id);
-- Endpoints registered before subscriptions existed keep receiving what they asked for.
INSERT INTO subscriptions (id, description, event_types, endpoint_id, created_at)
    SELECT gen_random_uuid(), 'created with the endpoint', event_types, id, created_at
    FROM endpoints;

-- Deliveries reach a channel's target; one per target and event, however often it arrives.
ALTER TABLE deliveries
    ALTER COLUMN endpoint_id DROP NOT NULL,
    ADD COLUMN channel          text        NOT NULL DEFAULT 'webhook'
                                            CHECK (channel IN ('webhook', 'chat', 'email')),
    ADD COLUMN target           text,
    ADD COLUMN message          jsonb,
    ADD COLUMN source_topic     text,
    ADD COLUMN event_time       timestamptz,
    ADD COLUMN lease_expires_at timestamptz,
    ADD COLUMN held_until       timestamptz;
UPDATE deliveries SET target = 'endpoint:' || endpoint_id::text, event_time = created_at;
ALTER TABLE deliveries
    ALTER COLUMN target SET NOT NULL,
    ADD CONSTRAINT deliveries_target_event_key UNIQUE (target, event_id),
    ADD CONSTRAINT deliveries_channel_target CHECK ((channel = 'email') = (endpoint_id IS NULL));
CREATE INDEX deliveries_endpoint_due ON deliveries (endpoint_id, next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX deliveries_endpoint_created ON deliveries (endpoint_id, created_at);
CREATE INDEX deliveries_created ON deliveries (created_at);
CREATE INDEX deliveries_email_due ON deliveries (next_attempt_at)
    WHERE status = 'pending' AND endpoint_id IS NULL;

-- Message templates per event type and language (Jinja2, rendered in a sandbox).
CREATE TABLE templates (
    event_type  text        NOT NULL,
    language    text        NOT NULL,
    subject     text        NOT NULL,
    body        text        NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_type, language)
);

-- Per-recipient preferences: language and quiet hours in the recipient's time zone.
CREATE TABLE recipients (
    email        text        PRIMARY KEY,
    language     text,
    time_zone    text        NOT NULL DEFAULT 'UTC',
    quiet_start  time,
    quiet_end    time,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((quiet_start IS NULL) = (quiet_end IS NULL))
);

-- What notify knows of each ticket, from events only: who to tell when roles are asked for.
CREATE TABLE tickets (
    ticket_id        uuid        PRIMARY KEY,
    version          integer     NOT NULL DEFAULT 0,
    subject          text,
    status           text,
    priority         text,
    team             text,
    language         text,
    requester_email  text,
    watchers         text[]      NOT NULL DEFAULT '{}',
    assignee_id      uuid,
    assignee_email   text,
    team_lead_email  text,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Digests: events of one team for one target collected until the window closes.
CREATE TABLE digests (
    id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    subscription_id  uuid        NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    channel          text        NOT NULL CHECK (channel IN ('chat', 'email')),
    target           text        NOT NULL,
    endpoint_id      uuid        REFERENCES endpoints (id) ON DELETE CASCADE,
    team             text        NOT NULL,
    event_type       text        NOT NULL,
    language         text        NOT NULL,
    window_end       timestamptz NOT NULL,
    closed_at        timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX digests_open ON digests (target, team, event_type) WHERE closed_at IS NULL;
CREATE INDEX digests_due ON digests (window_end) WHERE closed_at IS NULL;

CREATE TABLE digest_items (
    digest_id   uuid        NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
    event_id    uuid        NOT NULL,
    target      text        NOT NULL,
    envelope    jsonb       NOT NULL,
    added_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (digest_id, event_id),
    UNIQUE (target, event_id)
);
