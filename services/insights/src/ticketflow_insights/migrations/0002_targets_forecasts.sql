-- What a team aims for; a missing row or NULL column means the default of `domain/targets.py`.
CREATE TABLE team_targets (
    team                         text             PRIMARY KEY,
    first_response_seconds       double precision CHECK (first_response_seconds > 0),
    resolution_seconds           double precision CHECK (resolution_seconds > 0),
    service_level                double precision CHECK (service_level > 0 AND service_level < 1),
    sla_achievement              double precision CHECK (sla_achievement > 0 AND sla_achievement <= 1),
    csat_share                   double precision CHECK (csat_share > 0 AND csat_share <= 1),
    first_contact_resolution     double precision CHECK (first_contact_resolution > 0 AND first_contact_resolution <= 1),
    reopen_rate                  double precision CHECK (reopen_rate >= 0 AND reopen_rate < 1),
    cycle_time_baseline_seconds  double precision CHECK (cycle_time_baseline_seconds > 0),
    cycle_time_reduction         double precision CHECK (cycle_time_reduction >= 0 AND cycle_time_reduction < 1),
    shrinkage                    double precision CHECK (shrinkage >= 0 AND shrinkage < 1),
    patience_seconds             double precision CHECK (patience_seconds > 0),
    updated_at                   timestamptz      NOT NULL,
    updated_by                   text             NOT NULL
);

-- Arrivals forecast per team and interval; an intraday re-forecast replaces the next hours.
CREATE TABLE forecasts (
    team              text             NOT NULL,
    interval_minutes  integer          NOT NULL CHECK (interval_minutes IN (15, 30, 60)),
    interval_start    timestamptz      NOT NULL,
    arrivals          double precision NOT NULL CHECK (arrivals >= 0),
    lower             double precision,
    upper             double precision,
    source            text             NOT NULL CHECK (source IN ('model', 'intraday', 'baseline')),
    generated_at      timestamptz      NOT NULL,
    PRIMARY KEY (team, interval_minutes, interval_start)
);

-- The latest backtest of each team's model against the seasonal-naive baseline.
CREATE TABLE forecast_accuracy (
    team              text             NOT NULL,
    interval_minutes  integer          NOT NULL,
    model_wape        double precision,
    baseline_wape     double precision,
    folds             integer          NOT NULL,
    history_days      integer          NOT NULL,
    computed_at       timestamptz      NOT NULL,
    PRIMARY KEY (team, interval_minutes)
);
