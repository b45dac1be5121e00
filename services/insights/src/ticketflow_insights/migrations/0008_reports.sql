-- Reports on a schedule: one row per kind, team and period, whoever publishes it first (the
-- unique key makes N replicas and restarts publish a period once). team NULL: the organisation.
-- Not derived from the topics: a rebuild keeps it, so no report is announced twice.
CREATE TABLE reports (
    report_id     uuid        PRIMARY KEY,
    kind          text        NOT NULL CHECK (kind IN ('weekly', 'monthly', 'quarterly')),
    team          text,
    period_start  timestamptz NOT NULL,
    period_end    timestamptz NOT NULL CHECK (period_end > period_start),
    title         text        NOT NULL,
    body          jsonb       NOT NULL,
    published_at  timestamptz NOT NULL,
    CONSTRAINT reports_once UNIQUE NULLS NOT DISTINCT (kind, team, period_start)
);
CREATE INDEX reports_newest ON reports (period_start DESC, kind);
