-- Facts from every topic. Everything in this schema is derived: `rebuild` empties it and
-- replays the topics from their beginning.

-- Teams and agents, from routing's team.changed, agent.changed and agent.status_changed.
CREATE TABLE teams (
    team           text        PRIMARY KEY,
    name           text        NOT NULL,
    lead_agent_id  uuid,
    archived       boolean     NOT NULL DEFAULT false,
    version        integer     NOT NULL DEFAULT 0,
    changed_at     timestamptz NOT NULL
);

CREATE TABLE agents (
    agent_id    uuid        PRIMARY KEY,
    name        text        NOT NULL,
    email       text,
    teams       text[]      NOT NULL DEFAULT '{}',
    capacity    integer     NOT NULL DEFAULT 1,
    status      text        NOT NULL DEFAULT 'offline',
    time_zone   text        NOT NULL DEFAULT 'UTC',
    shifts      jsonb,      -- NULL: no schedule, always on shift; '[]': never
    removed     boolean     NOT NULL DEFAULT false,
    version     integer     NOT NULL DEFAULT 0,
    changed_at  timestamptz NOT NULL
);
CREATE INDEX agents_teams ON agents USING gin (teams);

-- Each agent's statuses over time: when they were online, away or offline.
CREATE TABLE agent_status_periods (
    agent_id    uuid        NOT NULL,
    status      text        NOT NULL,
    started_at  timestamptz NOT NULL,
    ended_at    timestamptz,
    PRIMARY KEY (agent_id, started_at)
);

-- SLA calendars, from sla's calendar.changed: the days a desk is closed.
CREATE TABLE calendars (
    name        text        PRIMARY KEY,
    time_zone   text        NOT NULL,
    always_open boolean     NOT NULL DEFAULT false,
    week        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    holidays    date[]      NOT NULL DEFAULT '{}',
    archived    boolean     NOT NULL DEFAULT false,
    changed_at  timestamptz NOT NULL
);

-- Arrivals per 15-minute interval; 30 and 60 minutes are sums of these. '' is "none".
CREATE TABLE arrivals (
    interval_start  timestamptz NOT NULL,
    team            text        NOT NULL DEFAULT '',
    channel         text        NOT NULL,
    category        text        NOT NULL DEFAULT '',
    priority        text        NOT NULL,
    arrivals        integer     NOT NULL CHECK (arrivals >= 0),
    PRIMARY KEY (interval_start, team, channel, category, priority)
);
CREATE INDEX arrivals_team_interval ON arrivals (team, interval_start);

-- One row per ticket: its dimensions and the instants and durations that matter.
CREATE TABLE tickets (
    ticket_id          uuid             PRIMARY KEY,
    team               text,
    channel            text,
    category           text,
    priority           text,
    language           text,
    requester_id       text,
    status             text             NOT NULL DEFAULT 'new',
    status_since       timestamptz,
    created_at         timestamptz,
    assignee_id        uuid,
    first_assigned_at  timestamptz,
    assigned_at        timestamptz,     -- the current owner's since
    queued_at          timestamptz,     -- set while it waits for an owner
    queue_position     integer,
    first_response_at  timestamptz,
    first_responder_id uuid,
    agent_replies      integer          NOT NULL DEFAULT 0,
    resolved_at        timestamptz,     -- the latest resolution
    resolved_by        uuid,            -- the owner when it was resolved
    closed_at          timestamptz,
    reopen_count       integer          NOT NULL DEFAULT 0,
    handling_seconds   double precision NOT NULL DEFAULT 0,  -- owned while open or in progress
    csat_rating        integer          CHECK (csat_rating BETWEEN 1 AND 5),
    csat_at            timestamptz,
    version            integer          NOT NULL DEFAULT 0,
    updated_at         timestamptz
);
CREATE INDEX tickets_created ON tickets (created_at);
CREATE INDEX tickets_resolved ON tickets (resolved_at);
CREATE INDEX tickets_open ON tickets (team) WHERE status NOT IN ('resolved', 'closed');

-- Time each ticket spent in each status: where work waits.
CREATE TABLE ticket_status_dwell (
    ticket_id  uuid             NOT NULL,
    status     text             NOT NULL,
    seconds    double precision NOT NULL DEFAULT 0,
    PRIMARY KEY (ticket_id, status)
);

-- SLA clocks as sla reports them: targets, due instants and outcomes.
CREATE TABLE sla_clocks (
    clock_id               uuid             PRIMARY KEY,
    ticket_id              uuid             NOT NULL,
    metric                 text             NOT NULL,
    cycle                  integer          NOT NULL DEFAULT 1,
    policy                 text             NOT NULL,
    team                   text,
    priority               text,
    assignee_id            uuid,
    target_seconds         double precision,
    started_at             timestamptz,
    due_at                 timestamptz,
    state                  text             NOT NULL DEFAULT 'running'
                           CHECK (state IN ('running', 'paused', 'stopped')),
    outcome                text             CHECK (outcome IN ('met', 'breached', 'cancelled')),
    warned_at              timestamptz,
    breached_at            timestamptz,
    met_at                 timestamptz,
    business_seconds_used  double precision,
    changed_at             timestamptz      NOT NULL
);
CREATE INDEX sla_clocks_ticket ON sla_clocks (ticket_id);
CREATE INDEX sla_clocks_running ON sla_clocks (due_at) WHERE state <> 'stopped';
