-- search_postings becomes a rowid table with a unique index on its old key. As a WITHOUT ROWID
-- table every row over ~4 KB (a quarter of a 16 KB page) spilt its tail into an overflow page of
-- its own: at 100,000 articles 318 MB of overflow pages held 117 MB of list bytes, and every
-- byte of that slack was written to the WAL, checkpointed and read back by merges. A rowid
-- table keeps rows up to ~16 KB in the leaf page itself; the index stays small.
CREATE TABLE search_postings_rows (
  id      INTEGER PRIMARY KEY,
  segment INTEGER NOT NULL,
  token   TEXT NOT NULL,
  data    BLOB NOT NULL
);
INSERT INTO search_postings_rows (segment, token, data) SELECT segment, token, data FROM search_postings ORDER BY segment, token;
DROP TABLE search_postings;
ALTER TABLE search_postings_rows RENAME TO search_postings;
CREATE UNIQUE INDEX search_postings_key ON search_postings (segment, token);
