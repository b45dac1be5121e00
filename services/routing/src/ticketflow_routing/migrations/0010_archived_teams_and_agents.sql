-- Teams and agents are archived, never deleted: events, decisions and statistics name them.
-- An archived team takes no tickets and no members; an archived agent is offline for good.
ALTER TABLE teams
    ADD COLUMN version      integer     NOT NULL DEFAULT 1,
    ADD COLUMN archived_at  timestamptz;
ALTER TABLE agents ADD COLUMN archived_at timestamptz;

-- Announce the teams that exist already, so other services' projections start complete. The
-- event id is drawn in the select list, once per row (a LATERAL subquery drew it once in all).
INSERT INTO outbox (event_id, topic, key, event_type, payload)
SELECT t.event_id, 'routing.events.v1', t.id, 'team.changed',
       jsonb_build_object(
           'specversion', '1.0', 'id', t.event_id, 'source', '/ticketflow/routing',
           'type', 'team.changed', 'time', to_jsonb(now()), 'subject', t.id,
           'datacontenttype', 'application/json',
           'data', jsonb_build_object(
               'team', t.id, 'name', t.name, 'change', 'created', 'archived', false,
               'version', t.version, 'changed_at', to_jsonb(now()),
               'lead_agent_id', t.lead_agent_id, 'strategy', t.strategy))
FROM (SELECT gen_random_uuid() AS event_id, * FROM teams) t;
