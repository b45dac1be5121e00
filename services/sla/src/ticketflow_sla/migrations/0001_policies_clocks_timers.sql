-- Policies are matched in `position` order; a NULL priority matches every priority.
CREATE TABLE policies (
    name                    text             PRIMARY KEY,
    position                integer          NOT NULL UNIQUE,
    priority                text             CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    first_response_seconds  double precision NOT NULL CHECK (first_response_seconds > 0),
    updated_at              timestamptz      NOT NULL DEFAULT now()
);

INSERT INTO policies (name, position, priority, first_response_seconds) VALUES
    ('urgent', 10, 'urgent', 600),
    ('standard', 100, NULL, 1800);

CREATE TABLE clocks (
    id              uuid             PRIMARY KEY,
    ticket_id       uuid             NOT NULL,
    metric          text             NOT NULL,
    policy          text             NOT NULL,
    target_seconds  double precision NOT NULL,
    started_at      timestamptz      NOT NULL,
    due_at          timestamptz      NOT NULL,
    state           text             NOT NULL CHECK (state IN ('running', 'met', 'breached', 'cancelled')),
    trace_carrier   jsonb            NOT NULL DEFAULT '{}'::jsonb,
    UNIQUE (ticket_id, metric)
);

-- Deadlines are absolute instants; any replica claims due rows with FOR UPDATE SKIP LOCKED.
CREATE TABLE timers (
    id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clock_id  uuid        NOT NULL REFERENCES clocks (id),
    kind      text        NOT NULL CHECK (kind IN ('breach')),
    due_at    timestamptz NOT NULL,
    fired_at  timestamptz
);

CREATE INDEX timers_pending ON timers (due_at) WHERE fired_at IS NULL;
