-- Requesters by address: one normalised email (trimmed, lower-cased) names one requester id,
-- whether the person writes by mail or through the API. The first link wins.
CREATE TABLE requesters (
    email        text        PRIMARY KEY CHECK (email = lower(btrim(email)) AND email <> ''),
    requester_id text        NOT NULL,
    name         text,
    created_at   timestamptz NOT NULL
);

-- The mail a ticket or a comment was made from: one Message-ID makes one of them, however
-- often the mail arrives.
ALTER TABLE tickets ADD COLUMN origin_message_id text UNIQUE;

ALTER TABLE comments
    ADD COLUMN channel           text NOT NULL DEFAULT 'api'
        CHECK (channel IN ('web', 'app', 'email', 'chat', 'phone', 'api')),
    ADD COLUMN origin_message_id text UNIQUE;

-- Addresses tickets already named: the earliest ticket's requester id is the first link.
INSERT INTO requesters (email, requester_id, name, created_at)
SELECT DISTINCT ON (lower(btrim(requester ->> 'email')))
       lower(btrim(requester ->> 'email')), requester_id, requester ->> 'name', created_at
  FROM tickets
 WHERE coalesce(btrim(requester ->> 'email'), '') <> ''
 ORDER BY lower(btrim(requester ->> 'email')), created_at, id;
