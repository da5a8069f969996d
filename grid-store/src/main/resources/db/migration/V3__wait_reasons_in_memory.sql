-- Wait reasons are recomputed every scheduling cycle and kept in memory (writing one per pending
-- job doubled the writes of a burst of submissions); the columns are no longer used.
ALTER TABLE jobs DROP COLUMN wait_plugin, DROP COLUMN wait_code, DROP COLUMN wait_message;
