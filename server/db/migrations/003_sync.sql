-- Sync (server/sync): push validates a new issue event against the events already stored for
-- its issue, so those must be found without reading every event of the community.
CREATE INDEX records_issue_events ON records ((data->>'issueId')) WHERE entity = 'issueEvents';
