-- Automation's own data: rules and macros (their definitions as validated JSON), the ticket
-- facts it learns from events, the calendars it learns from sla, the durable timers of
-- time-based rules, every firing and suppression, macro applications, and the recent events
-- a dry run replays.

CREATE TABLE rules (
    rule_id        uuid        PRIMARY KEY,
    name           text        NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('event', 'time')),
    enabled        boolean     NOT NULL,
    position       integer     NOT NULL,          -- evaluation order: lower first
    definition     jsonb       NOT NULL,          -- domain/rules.py RuleDefinition
    version        integer     NOT NULL DEFAULT 1,
    created_by     text        NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_by     text        NOT NULL,
    updated_at     timestamptz NOT NULL,
    deleted_at     timestamptz
);
CREATE UNIQUE INDEX rules_name ON rules (name) WHERE deleted_at IS NULL;

CREATE TABLE rule_set (
    singleton      boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    version        bigint      NOT NULL           -- grows with every rule change: caches reload
);
INSERT INTO rule_set (singleton, version) VALUES (true, 0);

CREATE TABLE macros (
    macro_id       uuid        PRIMARY KEY,
    name           text        NOT NULL,
    definition     jsonb       NOT NULL,          -- domain/macros.py MacroDefinition
    version        integer     NOT NULL DEFAULT 1,
    created_by     text        NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_by     text        NOT NULL,
    updated_at     timestamptz NOT NULL,
    deleted_at     timestamptz
);
CREATE UNIQUE INDEX macros_name ON macros (name) WHERE deleted_at IS NULL;

CREATE TABLE tickets (
    ticket_id               uuid        PRIMARY KEY,
    state                   jsonb       NOT NULL,  -- domain/ticket_state.py TicketState
    version                 integer     NOT NULL,  -- the ticket's version in intake
    open                    boolean     NOT NULL,
    updated_at              timestamptz NOT NULL
);

CREATE TABLE calendars (
    name           text        PRIMARY KEY,
    definition     jsonb       NOT NULL,          -- the last calendar.changed's data
    archived       boolean     NOT NULL DEFAULT false,
    changed_at     timestamptz NOT NULL
);

CREATE TABLE rule_timers (
    rule_id        uuid        NOT NULL,
    ticket_id      uuid        NOT NULL,
    anchor_at      timestamptz NOT NULL,          -- the instant the rule counts from
    due_at         timestamptz NOT NULL,
    depth          integer     NOT NULL DEFAULT 1,
    fired_at       timestamptz,
    PRIMARY KEY (rule_id, ticket_id)
);
CREATE INDEX rule_timers_due ON rule_timers (due_at) WHERE fired_at IS NULL;
CREATE INDEX rule_timers_ticket ON rule_timers (ticket_id);

CREATE TABLE firings (
    firing_id      uuid        PRIMARY KEY,
    rule_id        uuid        NOT NULL,
    rule_version   integer     NOT NULL,
    ticket_id      uuid        NOT NULL,
    trigger        text        NOT NULL CHECK (trigger IN ('event', 'timer')),
    event_id       uuid,
    event_type     text,
    why            jsonb       NOT NULL,
    actions        jsonb       NOT NULL,
    depth          integer     NOT NULL,
    fired_at       timestamptz NOT NULL
);
CREATE INDEX firings_rule_ticket ON firings (rule_id, ticket_id, fired_at);
CREATE INDEX firings_ticket ON firings (ticket_id, fired_at);

CREATE TABLE suppressions (
    rule_id        uuid        NOT NULL,
    ticket_id      uuid        NOT NULL,
    window_start   timestamptz NOT NULL,
    reason         text        NOT NULL,
    suppressed_at  timestamptz NOT NULL,
    PRIMARY KEY (rule_id, ticket_id, window_start)
);

CREATE TABLE macro_applications (
    application_id uuid        PRIMARY KEY,
    macro_id       uuid        NOT NULL,
    macro_version  integer     NOT NULL,
    ticket_id      uuid        NOT NULL,
    actor_id       text        NOT NULL,
    idempotency_key text,
    actions        jsonb       NOT NULL,
    applied_at     timestamptz NOT NULL
);
CREATE UNIQUE INDEX macro_applications_key
    ON macro_applications (actor_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX macro_applications_ticket ON macro_applications (ticket_id, applied_at);

CREATE TABLE event_history (
    event_id       uuid        PRIMARY KEY,
    event_type     text        NOT NULL,
    ticket_id      uuid        NOT NULL,
    occurred_at    timestamptz NOT NULL,          -- the envelope's time
    data           jsonb       NOT NULL
);
CREATE INDEX event_history_time ON event_history (occurred_at);
CREATE INDEX event_history_ticket ON event_history (ticket_id, occurred_at);
