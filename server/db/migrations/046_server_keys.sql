-- Issue 19, background sync while locked: the server's escrow key pair (ECDH P-256). Phones
-- encrypt a copy of each queued mutation to its public half (GET /api/sync/escrow-key), so a
-- locked phone (its service worker, the fifth wrong PIN) can still hand them over through
-- POST /api/sync/push-escrowed. Made once, by the first process that needs it (one row per
-- purpose), and kept: envelopes sealed before a restart must still open after it.
CREATE TABLE IF NOT EXISTS server_keys (
  kid          text PRIMARY KEY,
  purpose      text NOT NULL UNIQUE,
  public_jwk   jsonb NOT NULL,
  private_jwk  jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
