-- The search index moves from FTS5 to our own segments (src/search/segment-index.ts): FTS5's
-- per-token inserts capped imports near 500 articles/s. The old tables go; the server rebuilds
-- the index from the articles on its first start after this migration.

DROP TABLE search_index;
DROP TABLE search_docs;

-- Every document the index has held, numbered by the index in write order. An update or a
-- takedown sets removed_seq (a counter shared by all writers), so readers in other processes can
-- pick up removals since the last one they saw.
CREATE TABLE search_docs (
  doc              INTEGER PRIMARY KEY,
  article_id       INTEGER NOT NULL,
  published_minute INTEGER NOT NULL,
  category_id      INTEGER NOT NULL,
  -- weighted token count (title x10, tags x5, body), for BM25's length normalisation
  length           REAL NOT NULL,
  removed_seq      INTEGER
);
CREATE INDEX search_docs_live ON search_docs (article_id) WHERE removed_seq IS NULL;
CREATE INDEX search_docs_removed ON search_docs (removed_seq) WHERE removed_seq IS NOT NULL;

-- Immutable runs of documents [base, base + span); merged MERGE_FACTOR at a time into the next level.
CREATE TABLE search_segments (
  id    INTEGER PRIMARY KEY,
  base  INTEGER NOT NULL,
  span  INTEGER NOT NULL,
  level INTEGER NOT NULL
);

-- One token's posting list in one segment (format in src/search/postings.ts).
CREATE TABLE search_postings (
  segment INTEGER NOT NULL,
  token   TEXT NOT NULL,
  data    BLOB NOT NULL,
  PRIMARY KEY (segment, token)
) WITHOUT ROWID;

-- 0 until the index has been built from the articles (src/content/reindex.ts does it once).
INSERT INTO site_meta (key, value) VALUES ('search_index_built', 0);
