-- How an endpoint's deliveries are signed (#19): hmac-sha256 (Standard Webhooks v1, plus the
-- deprecated Ticketflow-Signature) or ed25519 (v1a; its secrets are whsk_ private keys).
ALTER TABLE endpoints ADD COLUMN signing text NOT NULL DEFAULT 'hmac-sha256'
    CHECK (signing IN ('hmac-sha256', 'ed25519'));
