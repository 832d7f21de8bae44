-- Article pages render body_md when viewed (with an in-memory cache), so import no longer renders
-- and stores HTML. The freed pages are reused by later writes; VACUUM returns them to the disk.
ALTER TABLE articles DROP COLUMN body_html;
ALTER TABLE articles DROP COLUMN toc_html;
