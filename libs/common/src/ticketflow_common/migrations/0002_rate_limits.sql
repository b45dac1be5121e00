-- Rate limits shared by every replica: one row per key, its GCRA theoretical arrival time.
-- A row whose tat has passed means a whole quota, as a missing row does: pruning deletes such
-- rows in small batches. No index on tat, so each take is a HOT update of the key's row; the
-- pruning scan reads a table as large as the keys seen within the last minutes.
CREATE TABLE rate_limits (
    key  text        PRIMARY KEY,
    tat  timestamptz NOT NULL
) WITH (fillfactor = 70);
