-- Band keys are derived from the stored signatures, and only imports look them up: each import now
-- builds them in memory from article_signatures (src/content/band-table.ts). The table cost the
-- writer 8 B-tree inserts and 8 lookups per imported article.
DROP TABLE article_bands;
