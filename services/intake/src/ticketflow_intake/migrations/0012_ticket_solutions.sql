-- The public agent reply marked as a ticket's solution: one per ticket, a new mark replaces it.
-- Knowledge learns it from `ticket.solution_marked`.
CREATE TABLE ticket_solutions (
    ticket_id   uuid        PRIMARY KEY REFERENCES tickets (id),
    comment_id  uuid        NOT NULL REFERENCES comments (id),
    marked_by   text        NOT NULL,
    marked_at   timestamptz NOT NULL
);
