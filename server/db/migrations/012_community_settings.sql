-- 社区设置 (issue 18): each community's calendar and phone lock time. The name stays on the
-- community's synced grid record; these are server settings the phones receive through
-- /api/config. No row: the server's FULLGRID_TIME_ZONE and a 5-minute lock.
CREATE TABLE IF NOT EXISTS community_settings (
  community_id  uuid PRIMARY KEY,
  time_zone     text NOT NULL,
  lock_minutes  integer NOT NULL CHECK (lock_minutes BETWEEN 1 AND 60),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  updated_by    uuid
);
