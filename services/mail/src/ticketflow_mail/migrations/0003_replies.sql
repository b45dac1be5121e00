-- Agents' public replies mailed to the requester: one row per comment (a redelivered
-- ticket.commented finds it and does nothing), claimed by any replica when due.

CREATE TABLE replies (
    reply_id        uuid        PRIMARY KEY,
    comment_id      uuid        NOT NULL UNIQUE,
    ticket_id       uuid        NOT NULL,
    message_id      text        NOT NULL UNIQUE,   -- <uuid@MAIL_MESSAGE_ID_DOMAIN>
    to_address      text        NOT NULL,
    subject         text        NOT NULL,
    body            text        NOT NULL,
    author_id       text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'dead')),
    attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz,                   -- due (or leased until) while pending
    last_error      text,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz
);
CREATE INDEX replies_due ON replies (next_attempt_at) WHERE status = 'pending';
CREATE INDEX replies_by_ticket ON replies (ticket_id, created_at);

-- A queued reply wakes idle senders at once (LISTEN "<schema>_replies"), not at their next poll.
CREATE FUNCTION replies_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_replies', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER replies_inserted AFTER INSERT ON replies
    FOR EACH STATEMENT EXECUTE FUNCTION replies_notify();
