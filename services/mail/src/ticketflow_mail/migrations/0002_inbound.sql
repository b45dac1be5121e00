-- Inbound extras: the senders refused outright, where each polled mailbox was read up to, and a
-- wake-up so a stored mail is processed at once rather than at the next poll.

-- An address ("someone@example.com") or a whole domain ("example.com"), lower-cased.
CREATE TABLE blocked_senders (
    sender      text        PRIMARY KEY CHECK (sender = lower(sender)),
    note        text,
    created_at  timestamptz NOT NULL
);

-- The highest UID of a mailbox already stored (valid while its UIDVALIDITY stays the same), so
-- a restart never fetches again what was stored but not yet marked \Seen.
CREATE TABLE imap_cursors (
    mailbox      text        PRIMARY KEY,
    uid_validity bigint      NOT NULL,
    last_uid     bigint      NOT NULL,
    updated_at   timestamptz NOT NULL
);

-- A mail waiting to be processed (new, or released from quarantine) wakes idle processors
-- (LISTEN "<schema>_mails"); Postgres folds the notifications of one transaction into one.
CREATE FUNCTION mails_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_mails', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER mails_to_process AFTER INSERT OR UPDATE OF status ON mails
    FOR EACH ROW WHEN (NEW.status = 'received') EXECUTE FUNCTION mails_notify();
