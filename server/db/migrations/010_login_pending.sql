-- Login throttling (server/auth/throttle.ts): an attempt is reserved before its slow password
-- check and stays pending until the check answers; a right password deletes it, a wrong one
-- settles it as a failure (pending_until NULL, as every row written before this migration).
-- A pending attempt fills its bucket like a failure, so parallel guesses cannot slip past the
-- limit; but a bucket full only because of attempts still being checked makes the next attempt
-- wait for them instead of answering 429 — a burst of right passwords from one address (an
-- office behind one NAT, a carrier's shared address) is not a lockout. An attempt whose process
-- died before answering counts as a failure once pending_until has passed.
ALTER TABLE login_failures ADD COLUMN IF NOT EXISTS pending_until timestamptz;
