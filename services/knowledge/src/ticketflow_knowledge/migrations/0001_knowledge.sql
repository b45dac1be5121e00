-- Knowledge's own data: articles with every version, problems with their linked tickets, the
-- tickets it learns solutions from, and one search index over all three kinds.

-- pg_trgm lives in a schema of its own, shared by every service schema of the database and named
-- where it is used: installed into a service's schema, it would vanish with that schema and be
-- invisible to the others (each pool's search_path is its own schema only).
CREATE SCHEMA IF NOT EXISTS ticketflow_extensions;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA ticketflow_extensions;

CREATE TABLE articles (
    article_id    uuid        PRIMARY KEY,
    status        text        NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'published', 'archived')),
    visibility    text        NOT NULL DEFAULT 'internal' CHECK (visibility IN ('internal', 'public')),
    language      text        NOT NULL,
    category      text,
    tags          text[]      NOT NULL DEFAULT '{}',
    title         text        NOT NULL,
    body          text        NOT NULL,            -- Markdown
    version       integer     NOT NULL DEFAULT 1,  -- the latest version (draft or not)
    published_version integer,                     -- the version readers see; NULL: none yet
    author_id     text        NOT NULL,            -- who created it
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    published_at  timestamptz,
    archived_at   timestamptz
);
CREATE INDEX articles_listing ON articles (status, visibility, updated_at DESC);

-- Every version ever saved, with who saved it; never updated.
CREATE TABLE article_versions (
    article_id  uuid        NOT NULL REFERENCES articles (article_id),
    version     integer     NOT NULL,
    title       text        NOT NULL,
    body        text        NOT NULL,
    category    text,
    tags        text[]      NOT NULL DEFAULT '{}',
    language    text        NOT NULL,
    visibility  text        NOT NULL,
    author_id   text        NOT NULL,
    note        text,                               -- what changed, as its author says
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (article_id, version)
);

CREATE TABLE problems (
    problem_id      uuid        PRIMARY KEY,
    title           text        NOT NULL,
    description     text        NOT NULL DEFAULT '',
    status          text        NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'known_error', 'resolved', 'closed')),
    category        text,
    language        text        NOT NULL,
    root_cause      text,
    workaround      text,
    permanent_fix   text,
    created_by      text        NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    known_error_at  timestamptz,
    resolved_at     timestamptz,
    resolved_by     text,
    version         integer     NOT NULL DEFAULT 1
);
CREATE INDEX problems_status ON problems (status, updated_at DESC);

CREATE TABLE problem_tickets (
    problem_id  uuid        NOT NULL REFERENCES problems (problem_id),
    ticket_id   uuid        NOT NULL,
    linked_by   text        NOT NULL,
    linked_at   timestamptz NOT NULL,
    PRIMARY KEY (problem_id, ticket_id)
);
CREATE INDEX problem_tickets_ticket ON problem_tickets (ticket_id);

-- Tickets as intake's events describe them; a solved one with a marked solution is a candidate.
CREATE TABLE tickets (
    ticket_id            uuid        PRIMARY KEY,
    subject              text        NOT NULL,
    description          text        NOT NULL DEFAULT '',
    language             text        NOT NULL,
    category             text,
    team                 text,
    status               text        NOT NULL,
    requester_id         text        NOT NULL,
    requester_email      text,
    created_at           timestamptz NOT NULL,
    resolved_at          timestamptz,
    solution_comment_id  uuid,
    solution             text,
    solution_marked_by   text,
    solution_marked_at   timestamptz,
    version              integer     NOT NULL DEFAULT 0   -- the ticket version last applied
);

-- One row per searchable item of any kind; written only through store/search_items.py.
-- `live`: shown in suggestions and search (published article, known error or resolved problem,
-- solved ticket with a solution). `terms`: text_analysis.index_terms of the title (weight A) and
-- the body (weight B); `title_folded`: normalised title for trigram similarity.
CREATE TABLE search_items (
    kind          text        NOT NULL CHECK (kind IN ('article', 'known_error', 'solution')),
    item_id       uuid        NOT NULL,
    language      text        NOT NULL,
    title         text        NOT NULL,
    body          text        NOT NULL,
    category      text,
    tags          text[]      NOT NULL DEFAULT '{}',
    public        boolean     NOT NULL DEFAULT false,
    live          boolean     NOT NULL DEFAULT false,
    reuse_count   integer     NOT NULL DEFAULT 0,
    terms         tsvector    NOT NULL,
    title_folded  text        NOT NULL,
    analysis      integer     NOT NULL,              -- text_analysis.ANALYSIS_VERSION used
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (kind, item_id)
);
CREATE INDEX search_items_terms ON search_items USING gin (terms) WHERE live;
CREATE INDEX search_items_title_trgm ON search_items USING gin (title_folded ticketflow_extensions.gin_trgm_ops)
    WHERE live;

-- Suggestions made (for a ticket, or asked for through POST /suggestions) and their answers.
CREATE TABLE suggestions (
    suggestion_id  uuid        PRIMARY KEY,
    ticket_id      uuid,
    requester_id   text,
    language       text        NOT NULL,
    query          text        NOT NULL,
    items          jsonb       NOT NULL,   -- [SuggestedItem]
    created_at     timestamptz NOT NULL
);
CREATE UNIQUE INDEX suggestions_one_per_ticket ON suggestions (ticket_id) WHERE ticket_id IS NOT NULL;

CREATE TABLE suggestion_answers (
    suggestion_id  uuid        PRIMARY KEY REFERENCES suggestions (suggestion_id),
    kind           text        NOT NULL,
    item_id        uuid        NOT NULL,
    solved         boolean     NOT NULL,
    answered_by    text        NOT NULL,
    answered_at    timestamptz NOT NULL
);
