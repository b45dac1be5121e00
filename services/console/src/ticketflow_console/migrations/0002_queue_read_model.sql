-- The queue read model: the console's own projection of the ticket, routing and SLA events it
-- consumes, so a queue is one indexed query instead of a call per ticket to intake and sla.
-- Who may see a row is decided by the query (owner = the signed-in agent; docs/console.md).

CREATE TABLE queue_tickets (
    ticket_id      uuid        PRIMARY KEY,
    subject        text        NOT NULL DEFAULT '',
    status         text        NOT NULL,
    is_open        boolean     NOT NULL,             -- status is one an agent still works
    priority       text        NOT NULL,
    priority_rank  smallint    NOT NULL,             -- urgent 0 .. low 3: the queue's tie-break
    owner_agent_id uuid,                             -- routing's owner (intake's when newer)
    team           text,
    version        integer     NOT NULL DEFAULT 0,   -- intake's version last applied
    next_due_at    timestamptz,                      -- earliest due clock still counting
    next_metric    text,                             -- which clock that is
    next_breached  boolean     NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL,
    changed_at     timestamptz NOT NULL
);
-- My queue: one range of this index, already in urgency order.
CREATE INDEX queue_tickets_by_owner ON queue_tickets
    (owner_agent_id, (next_due_at IS NULL), next_due_at, priority_rank, created_at)
    WHERE is_open;
-- A team's queue, the same order.
CREATE INDEX queue_tickets_by_team ON queue_tickets
    (team, (next_due_at IS NULL), next_due_at, priority_rank, created_at)
    WHERE is_open;

-- Each SLA clock of a ticket as its last event left it (a clock may be heard before its ticket).
CREATE TABLE queue_clocks (
    ticket_id   uuid        NOT NULL,
    metric      text        NOT NULL,
    cycle       integer     NOT NULL,
    state       text        NOT NULL,                -- running, paused, breached, met, cancelled
    due_at      timestamptz,
    breached    boolean     NOT NULL DEFAULT false,
    changed_at  timestamptz NOT NULL,
    PRIMARY KEY (ticket_id, metric)
);
