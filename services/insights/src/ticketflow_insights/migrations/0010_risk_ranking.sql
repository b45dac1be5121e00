-- The at-risk list reads in its own order (likeliest first, then soonest due, then by clock)
-- from an index, a team's share from a second one, instead of sorting every running clock:
-- each assessment keeps the due instant of the clock it assessed.
ALTER TABLE risk_assessments ADD COLUMN due_at timestamptz;
UPDATE risk_assessments r SET due_at = coalesce(
    (SELECT c.due_at FROM sla_clocks c WHERE c.clock_id = r.clock_id), r.assessed_at);
ALTER TABLE risk_assessments ALTER COLUMN due_at SET NOT NULL;
DROP INDEX risk_assessments_probability;
CREATE INDEX risk_assessments_ranking ON risk_assessments (probability DESC, due_at, clock_id);
CREATE INDEX risk_assessments_team_ranking
    ON risk_assessments (team, probability DESC, due_at, clock_id);
-- An agent's share of the list starts from the tickets and clocks they own.
CREATE INDEX tickets_assignee ON tickets (assignee_id) WHERE assignee_id IS NOT NULL;
CREATE INDEX sla_clocks_assignee ON sla_clocks (assignee_id) WHERE assignee_id IS NOT NULL;
