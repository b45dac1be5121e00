-- Identity's own data: who may act (people and service accounts, one role each), the API keys
-- they hold (only a hash of the secret is kept), and the Ed25519 keys that sign access tokens.

CREATE TABLE principals (
    principal_id   uuid        PRIMARY KEY,
    kind           text        NOT NULL CHECK (kind IN ('person', 'service_account')),
    display_name   text        NOT NULL,
    email          text,
    role           text        NOT NULL
                   CHECK (role IN ('requester', 'agent', 'lead', 'approver', 'integrator', 'admin')),
    agent_id       uuid,                          -- routing's agent this person works as
    teams          text[]      NOT NULL DEFAULT '{}',  -- routing's team ids (leads: they lead)
    disabled_at    timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    version        integer     NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX principals_email ON principals (lower(email)) WHERE email IS NOT NULL;

CREATE TABLE api_keys (
    key_id         text        PRIMARY KEY,
    principal_id   uuid        NOT NULL REFERENCES principals,
    name           text        NOT NULL,
    secret_hash    bytea       NOT NULL,
    scopes         text[],                        -- NULL: everything the role grants
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz,
    last_used_at   timestamptz,
    last_used_from text,
    revoked_at     timestamptz,
    replaced_by    text REFERENCES api_keys       -- rotation: the key that took over
);
CREATE INDEX api_keys_of_principal ON api_keys (principal_id);

CREATE TABLE signing_keys (
    kid            text        PRIMARY KEY,
    algorithm      text        NOT NULL CHECK (algorithm IN ('EdDSA')),
    private_pem    bytea       NOT NULL,
    public_jwk     jsonb       NOT NULL,
    created_at     timestamptz NOT NULL,
    active_from    timestamptz NOT NULL,          -- published before it signs (overlap)
    retired_at     timestamptz                    -- stops signing; published until tokens expire
);
