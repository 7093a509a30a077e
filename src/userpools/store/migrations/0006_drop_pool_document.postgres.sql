-- 0006 for PostgreSQL: as 0006_drop_pool_document.sql, and `config` becomes NOT NULL.

ALTER TABLE user_pools ALTER COLUMN config SET NOT NULL;
ALTER TABLE user_pools DROP COLUMN settings;
ALTER TABLE user_pools DROP COLUMN document;
