-- Index format 2 (src/search/rows.ts, segment-builder.ts): the positions of long lists are stored
-- in chunk rows, long positional lists get a skip table, and neighbouring words and symbols are
-- also indexed as symbol pairs, so a phrase query reads only the parts of long lists it needs.
-- Segments in the old format go; the server rebuilds the index from the articles on its first
-- start after this migration (src/content/reindex.ts).
DELETE FROM search_postings;
DELETE FROM search_segments;
DELETE FROM search_docs;
UPDATE site_meta SET value = 0 WHERE key = 'search_index_built';
