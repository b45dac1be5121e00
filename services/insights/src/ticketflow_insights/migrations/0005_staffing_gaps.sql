-- Staffing gap windows as last announced (staffing.gap_forecast): a re-run announces a window
-- again only when its shortfall changed or its start moved. Not derived from the topics: a rebuild keeps it, or
-- the team leads hear of every coming gap twice.
CREATE TABLE staffing_gaps (
    gap_id             uuid             PRIMARY KEY,  -- uuid5 of (team, starts_at)
    team               text             NOT NULL,
    starts_at          timestamptz      NOT NULL,
    ends_at            timestamptz      NOT NULL,
    interval_minutes   integer          NOT NULL CHECK (interval_minutes > 0),
    forecast_arrivals  double precision NOT NULL CHECK (forecast_arrivals >= 0),
    required_agents    integer          NOT NULL CHECK (required_agents >= 0),
    scheduled_agents   integer          NOT NULL CHECK (scheduled_agents >= 0),
    shortfall          integer          NOT NULL CHECK (shortfall > 0),  -- as last published
    published_at       timestamptz      NOT NULL,
    updated_at         timestamptz      NOT NULL
);
CREATE INDEX staffing_gaps_team_ends ON staffing_gaps (team, ends_at);
