-- Ranking: how many live items hold each term (the inverse document frequency that lets a rare
-- word count more than 的 or "the"), refreshed from search_items every few minutes.
CREATE TABLE search_term_stats (
    term   text    PRIMARY KEY,
    items  integer NOT NULL           -- live items whose terms hold it
);

CREATE TABLE search_stats (
    singleton     boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    items         integer     NOT NULL,   -- live items counted
    average_terms float8      NOT NULL,   -- their mean count of distinct terms
    refreshed_at  timestamptz NOT NULL
);
