-- The trace context of the event (or rule change) that planned a timer: the firing, hours
-- later, is a trace of its own linked to it.
ALTER TABLE rule_timers ADD COLUMN trace_carrier jsonb NOT NULL DEFAULT '{}'::jsonb;
