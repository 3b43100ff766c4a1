-- 扫码登录 (issue 18): one-time sign-in links a supervisor shows as a QR code. Only the token's
-- hash is kept (as for sessions); a link is good for 24 hours and one use, and can be revoked.
CREATE TABLE IF NOT EXISTS sign_in_links (
  id          uuid PRIMARY KEY,
  user_id     uuid NOT NULL,
  token_hash  text NOT NULL UNIQUE,
  created_by  uuid NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  used_device text,
  revoked_at  timestamptz,
  revoked_by  uuid
);
CREATE INDEX IF NOT EXISTS sign_in_links_user ON sign_in_links (user_id);

-- When an account was switched off: enabling it again lifts the device revocations of that moment
-- (and not those of a phone reported lost before).
ALTER TABLE credentials ADD COLUMN IF NOT EXISTS disabled_at timestamptz;
