-- Per-policy clock conditions; an empty object means the defaults (see ClockRules).
ALTER TABLE policies ADD COLUMN clock_rules jsonb NOT NULL DEFAULT '{}'::jsonb;
