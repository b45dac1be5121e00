-- Announce the calendars that exist already as `calendar.changed`, so other services'
-- projections (insights' forecasts) start complete: short weekday names, holidays as dated
-- ranges ordered by first day, archived calendars as archived. One event id per row.
INSERT INTO outbox (event_id, topic, key, event_type, payload, headers)
SELECT c.event_id, 'sla.events.v1', c.name, 'calendar.changed',
       jsonb_build_object(
           'specversion', '1.0', 'id', c.event_id, 'source', '/ticketflow/sla',
           'type', 'calendar.changed', 'time', to_jsonb(now()), 'subject', c.name,
           'datacontenttype', 'application/json',
           'data', jsonb_build_object(
               'name', c.name,
               'change', CASE WHEN c.archived_at IS NULL THEN 'created' ELSE 'archived' END,
               'time_zone', c.time_zone, 'always_open', c.always_open,
               'week', CASE WHEN c.always_open THEN '{}'::jsonb ELSE (
                   SELECT jsonb_object_agg(d.short, COALESCE((
                       SELECT jsonb_agg(jsonb_build_array(h ->> 'start', h ->> 'end')
                                        ORDER BY h ->> 'start')
                       FROM jsonb_array_elements(c.week -> d.long) h), '[]'::jsonb))
                   FROM (VALUES ('monday', 'mon'), ('tuesday', 'tue'), ('wednesday', 'wed'),
                                ('thursday', 'thu'), ('friday', 'fri'), ('saturday', 'sat'),
                                ('sunday', 'sun')) d (long, short)) END,
               'holidays', COALESCE((
                   SELECT jsonb_agg(jsonb_build_object(
                              'first_day', h ->> 'first_day',
                              'last_day', COALESCE(h ->> 'last_day', h ->> 'first_day'),
                              'name', h -> 'name')
                          ORDER BY h ->> 'first_day', COALESCE(h ->> 'last_day', h ->> 'first_day'))
                   FROM jsonb_array_elements(c.holidays) h), '[]'::jsonb),
               'changed_at', to_jsonb(now()))),
       -- Every event carries a trace (ARCHITECTURE §3): each announcement is a trace of its own.
       jsonb_build_object('traceparent', '00-' || replace(gen_random_uuid()::text, '-', '') || '-'
           || substr(replace(gen_random_uuid()::text, '-', ''), 1, 16) || '-01')
FROM (SELECT gen_random_uuid() AS event_id, * FROM calendars) c;
