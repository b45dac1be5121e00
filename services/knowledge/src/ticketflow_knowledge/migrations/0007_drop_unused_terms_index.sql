-- The ranker reads `search_postings` (0006), never a GIN scan of `search_items.terms`: the index
-- only cost every indexing write. The column stays: the postings trigger reads it.
DROP INDEX search_items_terms;
