-- The teams routing announces (`team.changed`); the newest version wins. Transfers must name
-- a live one.
CREATE TABLE teams (
    id          text        PRIMARY KEY,
    name        text        NOT NULL,
    version     integer     NOT NULL,
    archived    boolean     NOT NULL DEFAULT false,
    changed_at  timestamptz NOT NULL
);

-- Categories are archived, never deleted: tickets keep naming them.
ALTER TABLE categories ADD COLUMN archived_at timestamptz;
