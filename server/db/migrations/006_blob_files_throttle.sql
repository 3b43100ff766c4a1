-- Photos move out of the database (issue 7.8): their bytes are files under the blob folder
-- (server/blobs/fileStore.ts); this table keeps what a request needs to know. `bytes` stays for
-- photos stored before this migration until start-up moves them out (then it is NULL).
ALTER TABLE blobs ALTER COLUMN bytes DROP NOT NULL;
-- Daily upload quota: a user's uploads of the last 24 hours.
CREATE INDEX IF NOT EXISTS blobs_created_by ON blobs (created_by, created_at);

-- The photo ids a record names (visits, issues: photoIds; patrols: answers[].photoIds; issue
-- events: data.photoIds), so a photo is served to whoever may see a record naming it, found by
-- index instead of by reading every record. Mirrors photoIdsOf in server/sync/blobRefs.ts.
CREATE OR REPLACE FUNCTION record_photo_ids(entity text, data jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT p), '{}'::text[]) FROM jsonb_array_elements_text(
    CASE entity
      WHEN 'visits' THEN jsonb_path_query_array(data, '$.photoIds[*]')
      WHEN 'issues' THEN jsonb_path_query_array(data, '$.photoIds[*]')
      WHEN 'patrols' THEN jsonb_path_query_array(data, '$.answers[*].photoIds[*]')
      WHEN 'issueEvents' THEN jsonb_path_query_array(data, '$.data.photoIds[*]')
      ELSE '[]'::jsonb
    END) AS p
$$;
CREATE INDEX IF NOT EXISTS records_photo_ids ON records USING gin (record_photo_ids(entity, data))
  WHERE entity IN ('visits', 'issues', 'patrols', 'issueEvents');

-- Login throttling (server/auth/throttle.ts): a device that logged in before counts its own
-- failures apart from everyone else's; NULL for attempts from unknown devices.
ALTER TABLE login_failures ADD COLUMN IF NOT EXISTS device_id text;
CREATE INDEX IF NOT EXISTS login_failures_device ON login_failures (username, device_id, at);
