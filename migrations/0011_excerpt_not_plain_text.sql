-- The plain text of an article was stored beside its Markdown, and was as large: half of the
-- articles table and of an import's writes. Search now derives it from body_md for the few
-- articles a page shows (src/content/texts.ts); lists keep only its first 160 characters.
ALTER TABLE articles ADD COLUMN excerpt TEXT NOT NULL DEFAULT '';
UPDATE articles SET excerpt = substr(plain_text, 1, 160);
ALTER TABLE articles DROP COLUMN plain_text;
