-- The events API (#19): every event notify delivers, as its webhook body, kept
-- NOTIFY_EVENT_RETENTION_DAYS. Read in (tx, seq) order and only below the oldest transaction
-- still running, so a row that commits late never lands behind a cursor already handed out.
CREATE TABLE event_log (
    seq bigint GENERATED ALWAYS AS IDENTITY,
    tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
    event_id uuid PRIMARY KEY,
    event_type text NOT NULL,
    ticket_id uuid,
    recorded_at timestamptz NOT NULL,
    envelope jsonb NOT NULL
);
CREATE UNIQUE INDEX event_log_position ON event_log (tx, seq);
CREATE INDEX event_log_ticket_position ON event_log (ticket_id, tx, seq)
    WHERE ticket_id IS NOT NULL;
CREATE INDEX event_log_recorded_at ON event_log (recorded_at);
