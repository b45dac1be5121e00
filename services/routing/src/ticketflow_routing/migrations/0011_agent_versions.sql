-- Agents carry a version, as teams do: `agent.changed` applies only when newer.
ALTER TABLE agents ADD COLUMN version integer NOT NULL DEFAULT 1;

-- Announce the agents that exist already, so other services' projections start complete
-- (archived ones as removed: their history still names them). The event id is drawn in the
-- select list, once per row.
INSERT INTO outbox (event_id, topic, key, event_type, payload, headers)
SELECT a.event_id, 'routing.events.v1', a.id::text, 'agent.changed',
       jsonb_build_object(
           'specversion', '1.0', 'id', a.event_id, 'source', '/ticketflow/routing',
           'type', 'agent.changed', 'time', to_jsonb(now()), 'subject', a.id::text,
           'datacontenttype', 'application/json',
           'data', jsonb_build_object(
               'agent_id', a.id, 'name', a.name,
               'change', CASE WHEN a.archived_at IS NULL THEN 'created' ELSE 'removed' END,
               'version', a.version,
               'teams', to_jsonb(ARRAY[a.team] || array_remove(a.teams, a.team)), 'email', a.email,
               'capacity', a.capacity, 'status', a.status, 'time_zone', a.time_zone,
               'shifts', a.shifts, 'changed_at', to_jsonb(now()))),
       -- Every event carries a trace (ARCHITECTURE §3): each announcement is a trace of its own.
       jsonb_build_object('traceparent', '00-' || replace(gen_random_uuid()::text, '-', '') || '-'
           || substr(replace(gen_random_uuid()::text, '-', ''), 1, 16) || '-01')
FROM (SELECT gen_random_uuid() AS event_id, * FROM agents) a;
