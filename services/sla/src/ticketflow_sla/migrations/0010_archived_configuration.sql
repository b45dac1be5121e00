-- Policies, calendars and escalation policies are archived, never deleted: clocks and events
-- name them. Archived policies match no ticket; their position is free for another policy.
ALTER TABLE policies ADD COLUMN archived_at timestamptz;
ALTER TABLE calendars ADD COLUMN archived_at timestamptz;
ALTER TABLE escalation_policies ADD COLUMN archived_at timestamptz;

ALTER TABLE policies DROP CONSTRAINT policies_position_key;
CREATE UNIQUE INDEX policies_live_position ON policies (position) WHERE archived_at IS NULL;
