-- A team's queue page reads in assignment order from an index and stops at the page; its
-- places in the whole queue come from counting the entries before it, not from numbering all.
CREATE INDEX queued_tickets_team_order ON queued_tickets (team, priority_rank, queued_at, ticket_id);
