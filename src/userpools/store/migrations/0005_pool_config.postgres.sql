-- 0005 for PostgreSQL: as 0005_pool_config.sql, but the column starts nullable and 0006
-- makes it NOT NULL once the Python step has filled every row (no placeholder default).

ALTER TABLE user_pools ADD COLUMN config TEXT;
