-- Endpoints are archived, never deleted: deliveries and their attempts keep naming them.
-- An archived endpoint is disabled for good and keeps no signing secret.
ALTER TABLE endpoints ADD COLUMN archived_at timestamptz;
