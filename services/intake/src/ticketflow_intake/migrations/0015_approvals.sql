-- Approvals people hear about: a category names its approvers and escalation contacts and how
-- long they have; a ticket entering pending_approval opens one approval request whose reminder
-- and escalation are claimed by any replica when due (FOR UPDATE SKIP LOCKED on due_at).
ALTER TABLE categories
    ADD COLUMN approvers                     jsonb   NOT NULL DEFAULT '[]'::jsonb,
    ADD COLUMN approval_escalation           jsonb   NOT NULL DEFAULT '[]'::jsonb,
    ADD COLUMN approval_reminder_minutes     integer CHECK (approval_reminder_minutes > 0),
    ADD COLUMN approval_escalation_minutes   integer CHECK (approval_escalation_minutes > 0);

CREATE TABLE approval_requests (
    approval_id   uuid        PRIMARY KEY,
    ticket_id     uuid        NOT NULL REFERENCES tickets (id),
    category      text,
    status        text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided')),
    round         text        NOT NULL CHECK (round IN ('request', 'reminder', 'escalation')),
    next_round    text        CHECK (next_round IN ('reminder', 'escalation')),
    due_at        timestamptz,
    escalate_at   timestamptz NOT NULL,
    requested_at  timestamptz NOT NULL,
    decision      text        CHECK (decision IN ('approved', 'rejected')),
    decided_by    text,
    decided_via   text        CHECK (decided_via IN ('api', 'link')),
    decided_at    timestamptz
);
CREATE UNIQUE INDEX approval_requests_one_open ON approval_requests (ticket_id)
    WHERE status = 'open';
CREATE INDEX approval_requests_due ON approval_requests (due_at)
    WHERE status = 'open' AND next_round IS NOT NULL;
CREATE INDEX approval_requests_ticket ON approval_requests (ticket_id, requested_at);
