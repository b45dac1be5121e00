-- Every change to a team's targets: who set which fields to what, and when (NULL: default).
CREATE TABLE team_target_changes (
    change_id   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team        text        NOT NULL,
    changes     jsonb       NOT NULL,
    changed_by  text        NOT NULL,
    changed_at  timestamptz NOT NULL
);
CREATE INDEX team_target_changes_team ON team_target_changes (team, changed_at);
