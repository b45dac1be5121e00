-- Solutions learned from tickets: the ticket version whose solution is stored (a solution mark
-- is applied only when newer than the stored one, independently of the ticket's other facts),
-- and the list of learned solutions, newest mark first.
ALTER TABLE tickets ADD COLUMN solution_version integer NOT NULL DEFAULT 0;

CREATE INDEX tickets_solutions ON tickets (solution_marked_at DESC, ticket_id)
    WHERE solution IS NOT NULL;
