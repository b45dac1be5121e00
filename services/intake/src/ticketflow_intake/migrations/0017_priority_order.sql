-- Listings sorted by priority order by (priority_rank, id); the index now has that order, so
-- a page stops after its rows instead of sorting every ticket of a rank, and a team's page
-- reads its own index.
DROP INDEX tickets_priority;
CREATE INDEX tickets_priority ON tickets (priority_rank, id);
CREATE INDEX tickets_team_priority ON tickets (team, priority_rank, id);
