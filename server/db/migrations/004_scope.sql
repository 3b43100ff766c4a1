-- Scope (server/sync/scope.ts) and what leaves it (server/sync/readChanges.ts, DESIGN §4).
--
-- 1. An issue's current assignee is a scope key of the issue: the assignee sees it with all its
--    events, whatever its grid. It is kept on the issue's row by a trigger on the events, in the
--    order the server accepts them (mirroring applyIssueEvent in src/domain/issueState.ts).
-- 2. Whenever a row's scope keys change (a household moved to another grid, an issue handed to
--    another worker, a user's gridIds, a grid's community), the old keys are written to
--    `record_exits` at a new position of the change feed, in the same transaction. A pull reads
--    records and exits in one commit order: an exit whose old keys the user could see, of a record
--    the user cannot see now, is answered `{entity, id, removed: true}`.
-- 3. `pull_scopes` remembers the scope behind each cursor fingerprint, so a pull whose scope has
--    changed since its cursor can remove what the old scope covered and the new does not.

ALTER TABLE records ADD COLUMN assignee_id uuid;
CREATE INDEX records_assignee ON records (assignee_id) WHERE assignee_id IS NOT NULL;

-- Backfill, before the triggers exist: track segments take their patrol's grid, events their
-- issue's (push has always done so; older seeds did not), issues their assignee from their events.
UPDATE records s SET grid_id = p.grid_id
  FROM records p
 WHERE s.entity = 'trackSegments' AND s.grid_id IS NULL AND p.entity = 'patrols' AND p.id = (s.data->>'patrolId')::uuid;
UPDATE records e SET grid_id = i.grid_id
  FROM records i
 WHERE e.entity = 'issueEvents' AND e.grid_id IS NULL AND i.entity = 'issues' AND i.id = (e.data->>'issueId')::uuid;

-- The assignee after an event (see applyIssueEvent): `assigned` names one, `accepted` of an
-- unassigned issue makes the claimer the assignee, `escalated` hands the issue back.
CREATE FUNCTION fullgrid_next_assignee(current_assignee uuid, event jsonb) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE event->>'type'
    WHEN 'assigned' THEN (event->'data'->>'assigneeId')::uuid
    WHEN 'accepted' THEN coalesce(current_assignee, (event->>'actorId')::uuid)
    WHEN 'escalated' THEN NULL
    ELSE current_assignee
  END
$$;

DO $$
DECLARE ev record;
BEGIN
  FOR ev IN
    SELECT e.data FROM records e
     WHERE e.entity = 'issueEvents' AND e.data->>'type' IN ('assigned', 'accepted', 'escalated')
     ORDER BY e.txid, e.seq
  LOOP
    UPDATE records SET assignee_id = fullgrid_next_assignee(assignee_id, ev.data)
     WHERE entity = 'issues' AND id = (ev.data->>'issueId')::uuid;
  END LOOP;
END $$;

CREATE TABLE record_exits (
  entity       text   NOT NULL,
  id           uuid   NOT NULL,
  -- the scope keys the record had before the change
  grid_id      uuid,
  owner_id     uuid,
  assignee_id  uuid,
  -- scope keys kept in the record's data: a user's gridIds, a grid's communityId
  keys         jsonb  NOT NULL,
  txid         xid8   NOT NULL DEFAULT pg_current_xact_id(),
  seq          bigint NOT NULL DEFAULT nextval('records_seq')
);
CREATE INDEX record_exits_feed ON record_exits (txid, seq);

CREATE FUNCTION fullgrid_scope_exit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO record_exits (entity, id, grid_id, owner_id, assignee_id, keys)
  VALUES (OLD.entity, OLD.id, OLD.grid_id, OLD.owner_id, OLD.assignee_id,
          jsonb_strip_nulls(jsonb_build_object('gridIds', OLD.data->'gridIds', 'communityId', OLD.data->'communityId')));
  -- An issue's events are seen with it: they follow it into its new scope at a new position
  -- (records already handed out to a new viewer's cursor would otherwise never reach them).
  IF NEW.entity = 'issues' THEN
    UPDATE records SET txid = pg_current_xact_id(), seq = nextval('records_seq')
     WHERE entity = 'issueEvents' AND data->>'issueId' = NEW.id::text;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER records_scope_exit AFTER UPDATE ON records FOR EACH ROW
  WHEN (OLD.grid_id IS DISTINCT FROM NEW.grid_id
     OR OLD.owner_id IS DISTINCT FROM NEW.owner_id
     OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id
     OR OLD.data->'gridIds' IS DISTINCT FROM NEW.data->'gridIds'
     OR OLD.data->'communityId' IS DISTINCT FROM NEW.data->'communityId')
  EXECUTE FUNCTION fullgrid_scope_exit();

CREATE FUNCTION fullgrid_issue_assignee() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A new position too: the issue reaches its new assignee (and its exit row the old one).
  UPDATE records
     SET assignee_id = fullgrid_next_assignee(assignee_id, NEW.data),
         txid = pg_current_xact_id(), seq = nextval('records_seq')
   WHERE entity = 'issues' AND id = (NEW.data->>'issueId')::uuid
     AND assignee_id IS DISTINCT FROM fullgrid_next_assignee(assignee_id, NEW.data);
  RETURN NULL;
END $$;

CREATE TRIGGER records_issue_assignee AFTER INSERT ON records FOR EACH ROW
  WHEN (NEW.entity = 'issueEvents' AND NEW.data->>'type' IN ('assigned', 'accepted', 'escalated'))
  EXECUTE FUNCTION fullgrid_issue_assignee();

CREATE TABLE pull_scopes (
  fingerprint    text PRIMARY KEY,
  user_id        uuid NOT NULL,
  role           text NOT NULL,
  grid_ids       text[] NOT NULL,
  community_ids  text[] NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
