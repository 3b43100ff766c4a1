-- Issue 19, 忘记PIN码: a random secret per (device, account). The phone wraps its data key under
-- it a second time, beside the PIN's wrap, without keeping the secret; only a login with the
-- password (the same account on the same, unrevoked device) hands it out again, so the phone's
-- sealed records and outbox survive a forgotten PIN. A stolen phone's token cannot fetch it.
ALTER TABLE devices ADD COLUMN IF NOT EXISTS recovery_key bytea;
