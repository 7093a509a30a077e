-- 0005: one typed configuration per pool. The column holds {"version": 1, "config": {…}}
-- (store/pool_codec.py). After this file, a Python step (store/migrate.py) fills it from
-- each row's `document`, the wire form that held all of it; 0006 drops `settings` and
-- `document`. SQLite adds a NOT NULL column only with a default; every row gets a value.

ALTER TABLE user_pools ADD COLUMN config TEXT NOT NULL DEFAULT '';
