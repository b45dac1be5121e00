-- Processed-event records older than the retention horizon are pruned oldest first, in batches.
CREATE INDEX processed_events_processed_at ON processed_events (processed_at);
