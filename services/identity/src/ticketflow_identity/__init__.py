"""Identity: the people and service accounts who act on Ticketflow, their API keys, the
Ed25519 keys that sign their short-lived access tokens, and the key set every service verifies."""
