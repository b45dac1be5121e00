-- The console's own data: signed-in sessions. A session holds the user's access token from
-- identity (never their API key), the CSRF token its forms carry, and the user's choices.

CREATE TABLE sessions (
    session_id    text        PRIMARY KEY,       -- random, sent signed in the cookie
    access_token  text        NOT NULL,
    csrf_token    text        NOT NULL,
    subject       text        NOT NULL,
    display_name  text        NOT NULL,
    role          text        NOT NULL,
    agent_id      uuid,
    teams         text[]      NOT NULL DEFAULT '{}',
    language      text        NOT NULL,
    time_zone     text        NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL           -- when the access token expires
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
