-- 0006: the pool configuration lives in `config` alone (0005); drop its two old copies.

ALTER TABLE user_pools DROP COLUMN settings;
ALTER TABLE user_pools DROP COLUMN document;
