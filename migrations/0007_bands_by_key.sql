-- Band rows are looked up by key only; replacing an article's bands deletes them by (key, article)
-- from its previous signature, so the per-article index (8 inserts per imported article) goes.
DROP INDEX article_bands_article;
