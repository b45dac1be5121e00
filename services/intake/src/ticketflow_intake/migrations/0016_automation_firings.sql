-- Automation's firings as intake carries them out: one effect per firing (its id, whatever
-- event ids it arrives under), and on the firing's timeline entry what each action did.
CREATE TABLE automation_firings (
    firing_id   uuid        PRIMARY KEY,
    ticket_id   uuid        NOT NULL REFERENCES tickets (id),
    event_id    uuid        NOT NULL,
    applied_at  timestamptz NOT NULL
);

ALTER TABLE timeline ADD COLUMN outcomes jsonb;
