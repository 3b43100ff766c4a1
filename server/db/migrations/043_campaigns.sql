-- 专项排查 (issue 21): campaigns and their targets. The record itself (the shared zod shape of
-- src/domain/campaigns) is `data`; the columns beside it are what the queries filter on. Answers
-- are not here: a campaign answer is a visit carrying campaignId / campaignTargetId (records).
CREATE TABLE IF NOT EXISTS campaigns (
  id            uuid PRIMARY KEY,
  community_id  uuid NOT NULL,
  status        text NOT NULL CHECK (status IN ('draft', 'published', 'closed')),
  data          jsonb NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS campaigns_community ON campaigns (community_id, status);

CREATE TABLE IF NOT EXISTS campaign_targets (
  id           uuid PRIMARY KEY,
  campaign_id  uuid NOT NULL REFERENCES campaigns (id),
  grid_id      uuid NOT NULL,
  seq          integer NOT NULL,
  data         jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS campaign_targets_campaign ON campaign_targets (campaign_id, grid_id, seq);

-- Progress reads a campaign's answers among all visits.
CREATE INDEX IF NOT EXISTS records_visit_campaign ON records ((data->>'campaignId')) WHERE entity = 'visits';
