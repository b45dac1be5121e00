-- The agents and team leads notify knows of, from routing's agent.changed and team.changed
-- (#18): whom a rule's `notify` to `team:<key>` or `team_lead` reaches when no event named them.
CREATE TABLE agents (
    agent_id  uuid        PRIMARY KEY,
    email     text,
    teams     text[]      NOT NULL DEFAULT '{}',
    removed   boolean     NOT NULL DEFAULT false,
    version   integer     NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agents_teams ON agents USING gin (teams) WHERE NOT removed;

CREATE TABLE teams (
    team           text        PRIMARY KEY,
    lead_agent_id  uuid,
    archived       boolean     NOT NULL DEFAULT false,
    version        integer     NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
