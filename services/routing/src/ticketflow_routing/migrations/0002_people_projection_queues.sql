-- People model: teams with a lead and a strategy; agents with proficiencies, languages,
-- memberships, e-mail and a weekly shift schedule in their own time zone.
CREATE TABLE teams (
    id             text        PRIMARY KEY,
    name           text        NOT NULL,
    lead_agent_id  uuid        REFERENCES agents (id),
    strategy       text        NOT NULL DEFAULT 'skills_load'
                               CHECK (strategy IN ('skills_load', 'round_robin', 'least_loaded')),
    created_at     timestamptz NOT NULL DEFAULT now()
);

INSERT INTO teams (id, name) SELECT DISTINCT team, team FROM agents ON CONFLICT DO NOTHING;

ALTER TABLE agents
    ADD COLUMN email                text,
    ADD COLUMN languages            text[]      NOT NULL DEFAULT '{en}',
    ADD COLUMN teams                text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN skill_levels         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN time_zone            text        NOT NULL DEFAULT 'UTC',
    ADD COLUMN shifts               jsonb,
    ADD COLUMN on_shift             boolean     NOT NULL DEFAULT true,
    ADD COLUMN next_shift_change_at timestamptz,
    -- skills, 'team:<id>' and 'lang:<code>' in one array, so one GIN lookup applies every
    -- hard constraint that is a set membership
    ADD COLUMN routing_keys         text[]      NOT NULL DEFAULT '{}';

UPDATE agents SET teams = ARRAY[team],
                  skill_levels = (SELECT coalesce(jsonb_object_agg(s, 3), '{}'::jsonb)
                                  FROM unnest(skills) s),
                  routing_keys = skills || ARRAY['team:' || team, 'lang:en'];

DROP INDEX agents_skills;
DROP INDEX agents_available;
-- Only agents who could take a ticket right now are in this index: finding candidates costs
-- what the matching available agents cost, not what all agents cost.
CREATE INDEX agents_routable ON agents USING gin (routing_keys)
    WHERE status = 'online' AND on_shift AND load < capacity;
-- Everyone, for explaining exclusions and for team listings.
CREATE INDEX agents_routing_keys ON agents USING gin (routing_keys);
CREATE INDEX agents_shift_change ON agents (next_shift_change_at)
    WHERE next_shift_change_at IS NOT NULL;

-- What routing knows of each ticket, applied by version so old events never win.
CREATE TABLE tickets (
    ticket_id        uuid        PRIMARY KEY,
    version          integer     NOT NULL,
    status           text        NOT NULL,
    priority         text        NOT NULL,
    category         text,
    team             text,
    language         text        NOT NULL,
    required_skills  text[]      NOT NULL,
    last_agent_id    uuid,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX tickets_unowned ON tickets (created_at)
    WHERE status IN ('new', 'open', 'in_progress', 'waiting_on_customer');

ALTER TABLE assignments ADD COLUMN reason text NOT NULL DEFAULT 'new';
CREATE INDEX assignments_agent ON assignments (agent_id);

ALTER TABLE queued_tickets
    ADD COLUMN team      text,
    ADD COLUMN language  text NOT NULL DEFAULT 'en';
CREATE INDEX queued_tickets_skills ON queued_tickets USING gin (required_skills);

-- A ticket not yet started has a pickup deadline; reaching it (or the owner leaving) hands it
-- on. Claimed with FOR UPDATE SKIP LOCKED by any replica.
CREATE TABLE pickup_timers (
    ticket_id  uuid        PRIMARY KEY,
    agent_id   uuid        NOT NULL REFERENCES agents (id),
    due_at     timestamptz NOT NULL,
    reason     text        NOT NULL DEFAULT 'pickup_timeout'
);
CREATE INDEX pickup_timers_due ON pickup_timers (due_at);
CREATE INDEX pickup_timers_agent ON pickup_timers (agent_id);

-- Learned mean handling time per agent and category, from resolved tickets.
CREATE TABLE handling_stats (
    agent_id       uuid    NOT NULL REFERENCES agents (id),
    category       text    NOT NULL,
    resolved       integer NOT NULL,
    total_seconds  double precision NOT NULL,
    PRIMARY KEY (agent_id, category)
);

-- Every decision with its explanation, for GET /tickets/{id}/routing.
CREATE TABLE routing_decisions (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id    uuid        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('assigned', 'queued', 'unassigned')),
    agent_id     uuid,
    strategy     text,
    reason       text,
    detail       jsonb       NOT NULL,
    decided_at   timestamptz NOT NULL
);
CREATE INDEX routing_decisions_ticket ON routing_decisions (ticket_id, id);

-- Whether anyone could take a ticket right now, without looking at everyone.
CREATE INDEX agents_available ON agents (id) WHERE status = 'online' AND on_shift AND load < capacity;
