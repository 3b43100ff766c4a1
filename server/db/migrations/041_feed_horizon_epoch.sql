-- What a cursor can still be answered from (issue 22; server/sync/feedState.ts).
--
-- 1. record_exits is pruned: an exit older than the retention (server/sync/feedState.ts
--    EXIT_RETENTION_DAYS) is deleted, and the feed's `horizon` moves to the last position deleted.
--    A cursor before the horizon may have passed over a removal that is gone: its phone starts
--    over (the pull says `reset: true`, the phone drops what it synced, keeps its outbox).
-- 2. The feed's `epoch` names this history of the database. Restoring a backup gives it a new one
--    (npm run admin -- restore): cursors of the old epoch — possibly from a future the restore
--    undid — are answered as a reset too, never continued.
ALTER TABLE record_exits ADD COLUMN at timestamptz NOT NULL DEFAULT now();
CREATE INDEX record_exits_at ON record_exits (at);

CREATE TABLE feed_state (
  id            int PRIMARY KEY CHECK (id = 1),
  epoch         text NOT NULL,
  horizon_txid  xid8 NOT NULL DEFAULT '0',
  horizon_seq   bigint NOT NULL DEFAULT 0
);
INSERT INTO feed_state (id, epoch) VALUES (1, substr(md5(random()::text || clock_timestamp()::text), 1, 8));
