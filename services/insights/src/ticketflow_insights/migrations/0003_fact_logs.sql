-- What the ticket facts are derived from, kept so that the end state does not depend on the
-- order in which the topics deliver (an assignment may arrive before its ticket.created): each
-- event adds a row here and the ticket's derived columns are recomputed from all of its rows.

-- Each status a ticket entered and when (ticket.created gives the first one).
CREATE TABLE ticket_status_changes (
    ticket_id        uuid        NOT NULL,
    changed_at       timestamptz NOT NULL,
    version          integer     NOT NULL,
    event_id         uuid        NOT NULL,
    status           text        NOT NULL,
    reopened         boolean     NOT NULL DEFAULT false,
    assignee_id      uuid,
    PRIMARY KEY (ticket_id, event_id)
);

-- Each ownership change: assigned to an agent, queued, or unassigned.
CREATE TABLE ticket_ownership_changes (
    ticket_id        uuid        NOT NULL,
    changed_at       timestamptz NOT NULL,
    event_id         uuid        NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('unassigned', 'queued', 'assigned')),
    agent_id         uuid,
    team             text,
    queue_position   integer,
    PRIMARY KEY (ticket_id, event_id)
);

-- The team the ticket events name; `tickets.team` falls back to routing's when they name none.
ALTER TABLE tickets ADD COLUMN facts_team text;

-- The instant of the SLA event that set a clock's due_at: the newest one's stands.
ALTER TABLE sla_clocks ADD COLUMN due_at_since timestamptz;

-- The per-ticket figures scorecards and reports read: the rules of
-- ticketflow_insights/domain/ticket_figures.py, in SQL (a test keeps the two in step).
CREATE VIEW ticket_figures AS
SELECT
    t.ticket_id,
    t.team,
    t.channel,
    t.category,
    t.priority,
    t.assignee_id,
    t.resolved_by,
    t.status,
    t.created_at,
    t.resolved_at,
    greatest(0, extract(epoch FROM t.first_assigned_at - t.created_at))::double precision
        AS time_to_owner_seconds,
    greatest(0, extract(epoch FROM t.first_response_at - t.created_at))::double precision
        AS first_response_seconds,
    CASE WHEN t.status IN ('resolved', 'closed') AND t.resolved_at IS NOT NULL
         THEN greatest(0, extract(epoch FROM t.resolved_at - t.created_at))::double precision
    END AS resolution_seconds,
    t.handling_seconds,
    (t.status IN ('resolved', 'closed') AND t.resolved_at IS NOT NULL) AS resolved,
    CASE WHEN t.status IN ('resolved', 'closed') AND t.resolved_at IS NOT NULL
         THEN t.reopen_count = 0 AND t.agent_replies <= 1
    END AS first_contact_resolution,
    t.reopen_count > 0 AS reopened,
    t.reopen_count,
    t.agent_replies,
    t.csat_rating,
    t.csat_rating >= 4 AS csat_satisfied
FROM tickets t;
