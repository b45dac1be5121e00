-- Demo histories `python -m ticketflow_insights seed-history` applied straight into the facts
-- (never published on the topics, where the other services would act on them): one row per
-- seed, so a second run with the same seed replays the same window and then does nothing.
-- A rebuild from the topics drops the history; empty this table with the facts so it can be
-- seeded again.
CREATE TABLE demo_histories (
    seed            integer          PRIMARY KEY,
    weeks           integer          NOT NULL CHECK (weeks > 0),
    volume          double precision NOT NULL CHECK (volume >= 0),
    starts_at       timestamptz      NOT NULL,
    ends_at         timestamptz      NOT NULL,
    events_applied  integer          NOT NULL DEFAULT 0,
    completed_at    timestamptz
);
