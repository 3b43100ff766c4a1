-- 走访覆盖 without reading every household's and visit's JSON per request (issue 20, DESIGN §6):
-- the few fields the coverage statement needs (server/supervisor/coverage.ts) are kept beside the
-- record by the database itself, as stored generated columns, so every write path (push, the
-- admin's edits and imports, the demo seed) keeps them without knowing they exist. Only the raw
-- facts are kept — the cadence rules stay in src/domain/cadence.ts and are applied per request,
-- so changing a rule needs no migration. A malformed value gives NULL here (never a failed write):
-- the coverage then treats it as the JSON read did not (no cadence of its own, no counting date).
CREATE FUNCTION fullgrid_int_or_null(t text) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN t ~ '^-?[0-9]{1,18}$' THEN t::bigint END
$$;

CREATE FUNCTION fullgrid_uuid_or_null(t text) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN t ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN t::uuid END
$$;

ALTER TABLE records
  -- A household's own tags, and its own plus its present members' (a member without a status lives there).
  ADD COLUMN hh_tags jsonb GENERATED ALWAYS AS (
    CASE WHEN entity = 'households' THEN coalesce(data->'tags', '[]'::jsonb) END) STORED,
  ADD COLUMN hh_all_tags jsonb GENERATED ALWAYS AS (
    CASE WHEN entity = 'households' THEN coalesce(data->'tags', '[]'::jsonb)
      || jsonb_path_query_array(data, '$.members[*] ? (!exists(@.status) || @.status == "present").tags[*]') END) STORED,
  ADD COLUMN hh_cadence_days bigint GENERATED ALWAYS AS (
    CASE WHEN entity = 'households' THEN fullgrid_int_or_null(data->>'cadenceDays') END) STORED,
  ADD COLUMN hh_building_id text GENERATED ALWAYS AS (
    CASE WHEN entity = 'households' THEN data->>'buildingId' END) STORED,
  ADD COLUMN visit_household uuid GENERATED ALWAYS AS (
    CASE WHEN entity = 'visits' THEN fullgrid_uuid_or_null(data->>'householdId') END) STORED,
  ADD COLUMN visit_started bigint GENERATED ALWAYS AS (
    CASE WHEN entity = 'visits' THEN fullgrid_int_or_null(data->>'startedAt') END) STORED,
  -- A visit without a channel was at the door (the phone's default).
  ADD COLUMN visit_door boolean GENERATED ALWAYS AS (
    CASE WHEN entity = 'visits' THEN coalesce(data->>'channel', 'door') = 'door' END) STORED;
