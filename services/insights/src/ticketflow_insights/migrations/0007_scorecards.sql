-- Every change to a team's targets: who set which fields to what, and when (NULL: default).
CREATE TABLE team_target_changes (
    change_id   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team        text        NOT NULL,
    changes     jsonb       NOT NULL,
    changed_by  text        NOT NULL,
    changed_at  timestamptz NOT NULL
);
CREATE INDEX team_target_changes_team ON team_target_changes (team, changed_at);

-- Scorecards read each period's first responses, ratings and clock outcomes by instant.
CREATE INDEX tickets_first_response ON tickets (first_response_at);
CREATE INDEX tickets_csat ON tickets (csat_at) WHERE csat_rating IS NOT NULL;
CREATE INDEX sla_clocks_outcome ON sla_clocks ((coalesce(met_at, breached_at, changed_at)))
    WHERE outcome IN ('met', 'breached');
