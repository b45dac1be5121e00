-- The latest breach-risk assessment of each SLA clock cycle, and when its probability first
-- crossed the threshold: `sla.at_risk` went out then, and never again for that cycle.
CREATE TABLE risk_assessments (
    clock_id     uuid             NOT NULL,
    cycle        integer          NOT NULL,
    ticket_id    uuid             NOT NULL,
    metric       text             NOT NULL,
    team         text,
    probability  double precision NOT NULL CHECK (probability >= 0 AND probability <= 1),
    reasons      text[]           NOT NULL DEFAULT '{}',
    assessed_at  timestamptz      NOT NULL,
    crossed_at   timestamptz,
    PRIMARY KEY (clock_id, cycle)
);
CREATE INDEX risk_assessments_ticket ON risk_assessments (ticket_id);
CREATE INDEX risk_assessments_probability ON risk_assessments (probability DESC);
