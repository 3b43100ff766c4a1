-- Supervisor console (issue 11): the aggregates read records by time, worker and parent record;
-- without these every console request would scan all records of an entity.
CREATE INDEX records_patrols_started ON records (((data->>'startedAt')::bigint)) WHERE entity = 'patrols';
CREATE INDEX records_patrols_worker ON records ((data->>'workerId'), ((data->>'startedAt')::bigint)) WHERE entity = 'patrols';
CREATE INDEX records_track_patrol ON records ((data->>'patrolId')) WHERE entity = 'trackSegments';
CREATE INDEX records_visits_started ON records (((data->>'startedAt')::bigint)) WHERE entity = 'visits';
CREATE INDEX records_visits_household ON records ((data->>'householdId'), ((data->>'startedAt')::bigint)) WHERE entity = 'visits';
CREATE INDEX records_entity_grid ON records (entity, grid_id);
-- Audit log (001) is read newest first by the console's 台账 page.
CREATE INDEX audit_log_at ON audit_log (at DESC);
