-- identity.events.v1 projected into every service: which access tokens are refused before
-- they expire. kind 'credential': tokens whose `cid` is `id` (an API key revoked at `at`);
-- kind 'principal': tokens whose `sub` is `id` and issued in or before the second of `at`, its
-- newest change (role, teams, agent or disabled): the client fetches a fresh token.
CREATE TABLE identity_revocations (
    kind text NOT NULL CHECK (kind IN ('credential', 'principal')),
    id text NOT NULL,
    at timestamptz NOT NULL,
    version integer NOT NULL DEFAULT 0,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (kind, id)
);
-- The in-process cache reloads what is recent enough to matter to an unexpired token.
CREATE INDEX identity_revocations_at ON identity_revocations (at);
