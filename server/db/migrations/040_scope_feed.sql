-- The change feed keyed by scope (issue 22, DESIGN §4, docs/scaling.md §4).
--
-- A pull used to walk every row of the feed from its cursor and filter by scope, so a worker's
-- first sync read the whole database. Now every row of `records` and `record_exits` carries the
-- key it is found by, `scope_key`, and a pull reads, per key the user has, one index range
-- (scope_key, txid, seq) from the cursor (server/sync/readChanges.ts). The key is computed from the
-- row alone (a generated column: no lookup that could go stale, backfilled by ADD COLUMN itself):
--
--   grids        the community (lower-cased communityId), or the grid itself when it has none —
--                a grid in the user's tree brings its community into the user's keys (scope.ts)
--   checklists   the community, or '*' for the shared forms everyone sees
--   users        'users': the people of a city are few, a pull reads them all and filters
--   issueEvents  'i:<issueId>': an event is seen exactly when its issue is, wherever it moved
--   the rest     the grid (null for none: found by the owner only)
--
-- A row may also be visible through its owner or an issue's assignee, whatever its grid: those are
-- found by the (owner_id, txid, seq) and (assignee_id, txid, seq) indexes. The cursor is unchanged:
-- positions stay (txid, seq) of one database, and the pg_snapshot_xmin guard is the same statement's.
CREATE FUNCTION fullgrid_scope_key(entity text, grid_id uuid, keys jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE entity
    WHEN 'grids' THEN coalesce(lower(keys->>'communityId'), grid_id::text)
    WHEN 'checklists' THEN coalesce(keys->>'communityId', '*')
    WHEN 'users' THEN 'users'
    WHEN 'issueEvents' THEN 'i:' || lower(keys->>'issueId')
    ELSE grid_id::text
  END
$$;

ALTER TABLE records ADD COLUMN scope_key text GENERATED ALWAYS AS (fullgrid_scope_key(entity, grid_id, data)) STORED;
ALTER TABLE record_exits ADD COLUMN scope_key text GENERATED ALWAYS AS (fullgrid_scope_key(entity, grid_id, keys)) STORED;

CREATE INDEX records_scope_feed ON records (scope_key, txid, seq);
CREATE INDEX records_owner_feed ON records (owner_id, txid, seq) WHERE owner_id IS NOT NULL;
CREATE INDEX records_assignee_feed ON records (assignee_id, txid, seq) WHERE assignee_id IS NOT NULL;
-- The issues a user sees outside their grids (reported or assigned): their events' keys.
CREATE INDEX records_issues_owner ON records (owner_id) WHERE entity = 'issues';
CREATE INDEX record_exits_scope_feed ON record_exits (scope_key, txid, seq);
CREATE INDEX record_exits_owner_feed ON record_exits (owner_id, txid, seq) WHERE owner_id IS NOT NULL;
CREATE INDEX record_exits_assignee_feed ON record_exits (assignee_id, txid, seq) WHERE assignee_id IS NOT NULL;
