-- Ranking: an inverted index of the live items (one row per item and term, with the term's
-- BM25 term-frequency part already computed), kept by a trigger on search_items so that
-- store/search_items.py stays the only writer; and how many live items hold each term (the
-- inverse document frequency that lets a rare word count more than 的 or "the"), refreshed
-- from search_postings every few minutes.
CREATE TABLE search_postings (
    term      text    NOT NULL,
    kind      text    NOT NULL,
    item_id   uuid    NOT NULL,
    public    boolean NOT NULL,
    in_title  boolean NOT NULL,
    weight    real    NOT NULL,   -- BM25 tf part: tf (k1 + 1) / (tf + k1 (1 - b + b len / avg))
    PRIMARY KEY (item_id, kind, term) INCLUDE (weight, in_title)  -- stage 2 reads the index only
);
-- A term's postings best first: the ranker reads at most the first few thousand of a common term.
CREATE INDEX search_postings_term ON search_postings (term, weight DESC) INCLUDE (kind, item_id, public);

-- k1 = 1.2, b = 0.5, a title occurrence counts 3 (TITLE_EXTRA 2 more), len = distinct terms of
-- the item, avg = 50 (domain/ranking.py AVERAGE_TERMS): change them there and here together.
CREATE FUNCTION search_postings_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.terms = OLD.terms AND NEW.live = OLD.live AND NEW.public = OLD.public
           AND NEW.kind = OLD.kind AND NEW.item_id = OLD.item_id THEN
            RETURN NEW;
        END IF;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM search_postings WHERE item_id = OLD.item_id AND kind = OLD.kind;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.live THEN
        INSERT INTO search_postings (term, kind, item_id, public, in_title, weight)
        SELECT u.lexeme, NEW.kind, NEW.item_id, NEW.public, t.in_title,
               t.tf * 2.2 / (t.tf + 1.2 * (0.5 + 0.5 * length(NEW.terms) / 50.0))
        FROM unnest(NEW.terms) AS u (lexeme, positions, weights),
             LATERAL (SELECT 'A' = ANY (u.weights) AS in_title,
                             coalesce(array_length(u.positions, 1), 1)
                               + CASE WHEN 'A' = ANY (u.weights) THEN 2 ELSE 0 END AS tf) AS t;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER search_postings_sync AFTER INSERT OR UPDATE OR DELETE ON search_items
    FOR EACH ROW EXECUTE FUNCTION search_postings_sync();

-- Items indexed before this migration.
INSERT INTO search_postings (term, kind, item_id, public, in_title, weight)
SELECT u.lexeme, s.kind, s.item_id, s.public, 'A' = ANY (u.weights),
       (coalesce(array_length(u.positions, 1), 1) + CASE WHEN 'A' = ANY (u.weights) THEN 2 ELSE 0 END)
       * 2.2 / ((coalesce(array_length(u.positions, 1), 1) + CASE WHEN 'A' = ANY (u.weights) THEN 2 ELSE 0 END)
                + 1.2 * (0.5 + 0.5 * length(s.terms) / 50.0))
FROM search_items s, unnest(s.terms) AS u (lexeme, positions, weights)
WHERE s.live;

CREATE TABLE search_term_stats (
    term   text    PRIMARY KEY,
    items  integer NOT NULL           -- live items whose terms hold it
);

CREATE TABLE search_stats (
    singleton     boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    items         integer     NOT NULL,   -- live items counted
    refreshed_at  timestamptz NOT NULL
);
