-- Core schema: taxonomy, articles, takedowns and the full-text index.

CREATE TABLE categories (
  id       INTEGER PRIMARY KEY,
  slug     TEXT NOT NULL UNIQUE,
  name     TEXT NOT NULL UNIQUE,
  position INTEGER NOT NULL
);

CREATE TABLE tags (
  id          INTEGER PRIMARY KEY,
  slug        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  -- lower-cased name: tag names are matched case-insensitively
  name_key    TEXT NOT NULL UNIQUE,
  category_id INTEGER NOT NULL REFERENCES categories(id),
  position    INTEGER NOT NULL
);

-- Other spellings readers type for a tag (k8s, golang, pg ...), lower-cased.
CREATE TABLE tag_aliases (
  alias  TEXT PRIMARY KEY,
  tag_id INTEGER NOT NULL REFERENCES tags(id)
);

CREATE TABLE articles (
  id            INTEGER PRIMARY KEY,
  -- upsert key: source_url for reposts, the record's own id for originals
  external_key  TEXT NOT NULL UNIQUE,
  title         TEXT NOT NULL,
  author        TEXT NOT NULL DEFAULT '',
  type          TEXT NOT NULL CHECK (type IN ('repost', 'original')),
  source_url    TEXT,
  published_at  TEXT NOT NULL,            -- ISO 8601, UTC
  published_ts  INTEGER NOT NULL,         -- unix seconds, for ordering
  imported_at   TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  views         INTEGER NOT NULL DEFAULT 0 CHECK (views >= 0),
  status        TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'removed')),
  category_id   INTEGER NOT NULL REFERENCES categories(id),
  summary       TEXT NOT NULL DEFAULT '',
  body_md       TEXT NOT NULL,
  body_html     TEXT NOT NULL,
  toc_html      TEXT NOT NULL DEFAULT '',
  plain_text    TEXT NOT NULL,
  content_hash  TEXT NOT NULL
);
CREATE INDEX articles_published ON articles (status, published_ts DESC, id DESC);
CREATE INDEX articles_category ON articles (category_id, status, published_ts DESC, id DESC);

CREATE TABLE article_tags (
  article_id INTEGER NOT NULL REFERENCES articles(id),
  tag_id     INTEGER NOT NULL REFERENCES tags(id),
  PRIMARY KEY (article_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX article_tags_tag ON article_tags (tag_id, article_id);

CREATE TABLE takedown_requests (
  id           INTEGER PRIMARY KEY,
  article_id   INTEGER NOT NULL REFERENCES articles(id),
  claimant     TEXT NOT NULL,
  email        TEXT NOT NULL,
  reason       TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  decision_note TEXT,
  created_at   TEXT NOT NULL,
  decided_at   TEXT
);

-- Every takedown action, kept forever.
CREATE TABLE takedown_audit (
  id         INTEGER PRIMARY KEY,
  request_id INTEGER REFERENCES takedown_requests(id),
  article_id INTEGER NOT NULL REFERENCES articles(id),
  action     TEXT NOT NULL,
  note       TEXT,
  at         TEXT NOT NULL
);

-- Pre-tokenised text (see src/search/tokenize.ts): CJK bigrams, words, symbols as private-use
-- characters; facets holds category/tag filter tokens so filters stay inside the index.
CREATE VIRTUAL TABLE search_index USING fts5(
  title, tags, body, facets,
  content = '',
  contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 0',
  prefix = '1'
);

-- Which search_index rowid holds which article: rowid = publish minute * 2^24 + article id, so the
-- index's own rowid order is recency order and newest-first needs no sort.
CREATE TABLE search_docs (
  article_id INTEGER PRIMARY KEY,
  doc_key    INTEGER NOT NULL UNIQUE
);
