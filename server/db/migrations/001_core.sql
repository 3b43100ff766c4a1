-- Synced records of every entity (DESIGN §3). One row per record: its whole current value in
-- `data`, the HLC of each field in `field_hlc` (field last-writer-wins), and its position in the
-- change feed: (txid, seq). Pull returns rows ordered by (txid, seq) whose txid is below the
-- oldest transaction still running, so a change committed later can never land behind a cursor
-- already handed out (see server/sync/pull.ts).
CREATE TABLE records (
  entity     text    NOT NULL,
  id         uuid    NOT NULL,
  data       jsonb   NOT NULL,
  field_hlc  jsonb   NOT NULL,
  hlc        text    NOT NULL,
  deleted    boolean NOT NULL DEFAULT false,
  -- scope keys: the grid a record belongs to, and the user who created it
  grid_id    uuid,
  owner_id   uuid,
  txid       xid8    NOT NULL DEFAULT pg_current_xact_id(),
  seq        bigint  NOT NULL,
  PRIMARY KEY (entity, id)
);
CREATE SEQUENCE records_seq;
CREATE INDEX records_feed ON records (txid, seq);
CREATE INDEX records_grid ON records (grid_id);
CREATE INDEX records_owner ON records (owner_id);

-- Every mutation id the server has answered `applied`, so retries are answered `duplicate`.
CREATE TABLE mutations (
  id          uuid PRIMARY KEY,
  device_id   text NOT NULL,
  user_id     uuid NOT NULL,
  entity      text NOT NULL,
  record_id   uuid NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now()
);

-- Login names and password hashes; the profile (name, role, gridIds) is the `users` record.
CREATE TABLE credentials (
  user_id        uuid PRIMARY KEY,
  username       text NOT NULL UNIQUE,
  password_hash  text NOT NULL,
  disabled       boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE devices (
  id          text NOT NULL,
  user_id     uuid NOT NULL,
  name        text,
  first_seen  timestamptz NOT NULL DEFAULT now(),
  last_seen   timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz,
  revoked_by  uuid,
  PRIMARY KEY (id, user_id)
);

-- Opaque bearer tokens, stored as SHA-256 so a database leak yields no usable token.
CREATE TABLE sessions (
  token_hash  text PRIMARY KEY,
  user_id     uuid NOT NULL,
  device_id   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins, per account and per address, for throttling.
CREATE TABLE login_failures (
  id        bigserial PRIMARY KEY,
  username  text NOT NULL,
  address   text NOT NULL,
  at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_username ON login_failures (username, at);
CREATE INDEX login_failures_address ON login_failures (address, at);

-- Photos and other blobs, keyed by their SHA-256.
CREATE TABLE blobs (
  sha256        text PRIMARY KEY,
  content_type  text NOT NULL,
  size          integer NOT NULL,
  bytes         bytea NOT NULL,
  created_by    uuid,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Who did what that must be accountable: exports, revocations, imports.
CREATE TABLE audit_log (
  id       bigserial PRIMARY KEY,
  at       timestamptz NOT NULL DEFAULT now(),
  user_id  uuid,
  action   text NOT NULL,
  detail   jsonb NOT NULL DEFAULT '{}'
);
