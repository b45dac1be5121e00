-- Mail's own data: every mail received (raw bytes kept, so a mail is never lost and a parser
-- fix can re-read it), the files they carried, the tickets it knows and their threads.

CREATE TABLE mails (
    mail_id       uuid        PRIMARY KEY,
    message_id    text        NOT NULL UNIQUE,     -- RFC 5322 Message-ID (one mail, one effect)
    via           text        NOT NULL CHECK (via IN ('smtp', 'imap')),
    raw           bytea       NOT NULL,
    envelope_from text,
    from_address  text,
    subject       text,
    status        text        NOT NULL DEFAULT 'received'
                  CHECK (status IN ('received', 'accepted', 'refused', 'quarantined')),
    reason        text,                            -- why refused or quarantined
    detail        text,
    ticket_id     uuid,                            -- the ticket it continues, when known
    received_at   timestamptz NOT NULL,
    processed_at  timestamptz
);
CREATE INDEX mails_to_process ON mails (received_at) WHERE status = 'received';
CREATE INDEX mails_quarantined ON mails (received_at DESC) WHERE status = 'quarantined';
CREATE INDEX mails_by_sender ON mails (from_address, received_at DESC);

CREATE TABLE attachments (
    attachment_id uuid        PRIMARY KEY,
    mail_id       uuid        NOT NULL REFERENCES mails ON DELETE CASCADE,
    ticket_id     uuid,
    filename      text        NOT NULL,
    content_type  text        NOT NULL,
    size          integer     NOT NULL CHECK (size >= 0),
    sha256        text        NOT NULL,
    content       bytea       NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX attachments_by_ticket ON attachments (ticket_id, created_at);

-- The tickets mail knows (from ticket.created): whom to reply to, and the short reference in
-- a subject ("[TF-1a2b3c4d]", the id's first 8 hex digits) that threads a reply without headers.
CREATE TABLE tickets (
    ticket_id       uuid        PRIMARY KEY,
    reference       text        NOT NULL,
    requester_id    text        NOT NULL,
    requester_email text,
    subject         text        NOT NULL,
    language        text        NOT NULL,
    created_at      timestamptz NOT NULL
);
CREATE INDEX tickets_by_reference ON tickets (reference);

-- Every Message-ID of a ticket's thread, received or sent: In-Reply-To and References find it.
CREATE TABLE thread_messages (
    message_id  text        PRIMARY KEY,
    ticket_id   uuid        NOT NULL,
    direction   text        NOT NULL CHECK (direction IN ('in', 'out')),
    created_at  timestamptz NOT NULL
);
CREATE INDEX thread_messages_by_ticket ON thread_messages (ticket_id, created_at);
