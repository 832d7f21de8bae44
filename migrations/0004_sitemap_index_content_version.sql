-- Sitemaps list published ids in order with their update time: a covering index reads no rows.
CREATE INDEX articles_sitemap ON articles (status, id, updated_at);

-- Bumped by every change of published content (imports, takedowns, restores) but not by view
-- counts: caches of pages, widgets and search results key on it.
CREATE TABLE site_meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO site_meta (key, value) VALUES ('content_version', 0);
