-- Facts about this server's database that are not records: e.g. that the demo community was
-- seeded, so a restart does not seed it again.
CREATE TABLE IF NOT EXISTS server_meta (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
