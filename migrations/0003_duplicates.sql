-- Near-duplicate reposts: a MinHash signature per article and its LSH band keys. Articles that
-- share a band key are candidates; their signatures estimate how much text they share.
ALTER TABLE articles ADD COLUMN duplicate_of INTEGER REFERENCES articles(id);
CREATE INDEX articles_duplicate_of ON articles (duplicate_of) WHERE duplicate_of IS NOT NULL;

CREATE TABLE article_signatures (
  article_id INTEGER PRIMARY KEY REFERENCES articles(id),
  signature  BLOB NOT NULL
);

CREATE TABLE article_bands (
  band_key   INTEGER NOT NULL,
  article_id INTEGER NOT NULL REFERENCES articles(id),
  PRIMARY KEY (band_key, article_id)
) WITHOUT ROWID;
CREATE INDEX article_bands_article ON article_bands (article_id);
