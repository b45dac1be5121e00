-- Satisfaction surveys: one per resolution of a ticket (`cycle` 1, then 2 after a reopen and
-- a new resolution...). `open` until answered (`answered`), unanswered past `expires_at`
-- (`expired`) or overtaken by a reopen (`closed`); the worker claims due reminders (one per
-- survey) and expiries with SKIP LOCKED.
CREATE TABLE surveys (
    survey_id        uuid        PRIMARY KEY,
    ticket_id        uuid        NOT NULL REFERENCES tickets (id),
    cycle            integer     NOT NULL CHECK (cycle >= 1),
    status           text        NOT NULL DEFAULT 'open'
                                 CHECK (status IN ('open', 'answered', 'expired', 'closed')),
    invited_at       timestamptz NOT NULL,
    reminder_due_at  timestamptz,
    reminded_at      timestamptz,
    expires_at       timestamptz NOT NULL,
    rating           integer     CHECK (rating BETWEEN 1 AND 5),
    resolved         boolean,
    comment          text,
    answered_at      timestamptz,
    follow_up_ticket_id uuid,
    UNIQUE (ticket_id, cycle)
);

CREATE INDEX surveys_reminders_due ON surveys (reminder_due_at) WHERE status = 'open'
    AND reminder_due_at IS NOT NULL;
CREATE INDEX surveys_expiring ON surveys (expires_at) WHERE status = 'open';

-- A rating per resolution cycle, not per ticket: a reopened and resolved again ticket is asked
-- again. Ratings given before this count as the first cycle's.
ALTER TABLE feedback ADD COLUMN cycle integer NOT NULL DEFAULT 1 CHECK (cycle >= 1);
ALTER TABLE feedback DROP CONSTRAINT feedback_pkey;
ALTER TABLE feedback ADD PRIMARY KEY (ticket_id, cycle);
