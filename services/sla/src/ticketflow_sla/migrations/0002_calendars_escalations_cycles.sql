-- Calendars: 24x7, or weekly working hours in a time zone with holidays (validated by the API).
CREATE TABLE calendars (
    name         text        PRIMARY KEY,
    time_zone    text        NOT NULL,
    always_open  boolean     NOT NULL DEFAULT false,
    week         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    holidays     jsonb       NOT NULL DEFAULT '[]'::jsonb,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

INSERT INTO calendars (name, time_zone, always_open, week) VALUES
    ('24x7', 'UTC', true, '{}'),
    ('business-hours', 'UTC', false,
     '{"monday": [{"start": "09:00", "end": "17:00"}],
       "tuesday": [{"start": "09:00", "end": "17:00"}],
       "wednesday": [{"start": "09:00", "end": "17:00"}],
       "thursday": [{"start": "09:00", "end": "17:00"}],
       "friday": [{"start": "09:00", "end": "17:00"}]}');

-- Ordered levels, each with a delay from the breach (negative: before it), targets and repeats.
CREATE TABLE escalation_policies (
    name        text        PRIMARY KEY,
    levels      jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO escalation_policies (name, levels) VALUES
    ('default',
     '[{"delay_seconds": 900, "targets": [{"kind": "owner"}], "repeat": 0},
       {"delay_seconds": 3600, "targets": [{"kind": "team_lead"}], "repeat": 2,
        "repeat_every_seconds": 3600}]');

-- Policies match on conditions (a missing key matches everything), set up to three targets.
ALTER TABLE policies
    ADD COLUMN conditions             jsonb            NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN next_response_seconds  double precision CHECK (next_response_seconds > 0),
    ADD COLUMN resolution_seconds     double precision CHECK (resolution_seconds > 0),
    ADD COLUMN calendar               text             NOT NULL DEFAULT '24x7',
    ADD COLUMN warnings               jsonb            NOT NULL
        DEFAULT '[{"fraction": 0.5}, {"fraction": 0.75}]'::jsonb,
    ADD COLUMN escalation_policy      text,
    ALTER COLUMN first_response_seconds DROP NOT NULL;

UPDATE policies SET conditions = jsonb_build_object('priority', jsonb_build_array(priority))
    WHERE priority IS NOT NULL;
ALTER TABLE policies DROP COLUMN priority;

-- Shipped defaults: urgent first response 10 min, others 30 min, resolution 2 business days
-- (16 h of the 8-hour business-hours calendar), escalating by the default policy.
UPDATE policies SET calendar = 'business-hours', resolution_seconds = 57600,
    escalation_policy = 'default' WHERE name IN ('urgent', 'standard');

-- Clocks run in cycles (a reopened ticket starts a new resolution cycle; every requester
-- reply a new next-response cycle). Business time spent is kept across pauses.
ALTER TABLE clocks DROP CONSTRAINT clocks_ticket_id_metric_key;
ALTER TABLE clocks DROP CONSTRAINT clocks_state_check;
ALTER TABLE clocks
    ADD COLUMN cycle          integer          NOT NULL DEFAULT 1,
    ADD COLUMN calendar       text             NOT NULL DEFAULT '24x7',
    ADD COLUMN used_seconds   double precision NOT NULL DEFAULT 0,
    ADD COLUMN running_since  timestamptz,
    ADD COLUMN breached_at    timestamptz,
    ADD COLUMN stopped_at     timestamptz,
    ADD COLUMN stop_reason    text,
    ALTER COLUMN due_at DROP NOT NULL;
UPDATE clocks SET breached_at = due_at, state = 'running' WHERE state = 'breached';
UPDATE clocks SET running_since = started_at WHERE state = 'running';
ALTER TABLE clocks ADD CONSTRAINT clocks_state_check
    CHECK (state IN ('running', 'paused', 'met', 'cancelled'));
ALTER TABLE clocks ADD CONSTRAINT clocks_ticket_metric_cycle_key UNIQUE (ticket_id, metric, cycle);
CREATE INDEX clocks_started_at ON clocks (started_at);

CREATE TABLE clock_pauses (
    clock_id    uuid        NOT NULL REFERENCES clocks (id),
    paused_at   timestamptz NOT NULL,
    resumed_at  timestamptz,
    reason      text        NOT NULL,
    PRIMARY KEY (clock_id, paused_at)
);

-- Warnings, breaches and escalation firings; `fired_at - due_at` is the lateness.
ALTER TABLE timers DROP CONSTRAINT timers_kind_check;
ALTER TABLE timers
    ADD COLUMN threshold  text    NOT NULL DEFAULT '',
    ADD COLUMN level      integer NOT NULL DEFAULT 0,
    ADD COLUMN repeat     integer NOT NULL DEFAULT 0,
    ADD CONSTRAINT timers_kind_check CHECK (kind IN ('warning', 'breach', 'escalation'));
CREATE INDEX timers_by_clock ON timers (clock_id);

-- What SLA knows of each ticket, from ticket events (by version) and routing's assignments.
CREATE TABLE tickets (
    ticket_id        uuid        PRIMARY KEY,
    version          integer     NOT NULL DEFAULT 0,
    status           text        NOT NULL DEFAULT 'new',
    priority         text,
    category         text,
    channel          text,
    team             text,
    requester_tier   text,
    assignee_id      uuid,
    assignee_email   text,
    assigned_team    text,
    team_lead_id     uuid,
    team_lead_email  text,
    assigned_at      timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
