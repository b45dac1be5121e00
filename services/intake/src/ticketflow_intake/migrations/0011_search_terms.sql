-- Search terms from ticketflow_common.text_analysis (Chinese words, Japanese bigrams, English
-- and German stems), with the same public / public comments / internal notes split as the
-- 'simple' columns of 0002. A row is searched by these once `search_analysis` (the analysis
-- version that wrote them) is set, and by the 'simple' columns until then:
-- `python -m ticketflow_intake reindex-search` analyses the rows written before this.
ALTER TABLE tickets
    ADD COLUMN terms_public     tsvector  NOT NULL DEFAULT ''::tsvector,
    ADD COLUMN terms_comments   tsvector  NOT NULL DEFAULT ''::tsvector,
    ADD COLUMN terms_internal   tsvector  NOT NULL DEFAULT ''::tsvector,
    ADD COLUMN search_analysis  integer;

CREATE INDEX tickets_terms_public ON tickets USING gin (terms_public);
CREATE INDEX tickets_terms_comments ON tickets USING gin (terms_comments);
CREATE INDEX tickets_terms_internal ON tickets USING gin (terms_internal);
CREATE INDEX tickets_search_analysis ON tickets (search_analysis, id);
