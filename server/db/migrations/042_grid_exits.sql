-- 交接 (issue 18, DESIGN §8.8): when a person stops working a grid — handed to another worker or
-- taken off their grids in 人员 — the server keeps who left, when, and to whom. A push from their
-- phone is judged against it (server/sync/gridExits.ts): what they recorded while the grid was
-- theirs still applies; what they changed after is refused with the name of who has it now.
CREATE TABLE IF NOT EXISTS grid_exits (
  id          uuid PRIMARY KEY,
  grid_id     uuid NOT NULL,
  user_id     uuid NOT NULL,
  to_user_id  uuid,
  left_at     timestamptz NOT NULL,
  by_user_id  uuid
);
CREATE INDEX IF NOT EXISTS grid_exits_user ON grid_exits (user_id, left_at);
