-- 专项排查 (issue 21) as synced records: campaigns and their targets move from their own tables
-- (043) into `records`, so phones receive them through the change feed like every record
-- (DESIGN §4; server/sync/scope.ts says who sees them) and the feed's scope keys, exits and
-- removals hold for them unchanged:
--
--   campaigns        grid_id = the campaign's community (scope_key: the community, which every user
--                    of it has among their keys); visible once published to whoever sees one of its
--                    targets, and to the community's supervisors
--   campaignTargets  grid_id = the target's grid, like any record of a grid
--
-- A target's walking order is `seq` in its data (was the column).
INSERT INTO records (entity, id, data, field_hlc, hlc, deleted, grid_id, owner_id, seq)
SELECT 'campaigns', c.id, c.data,
       (SELECT coalesce(jsonb_object_agg(k, c.data->>'hlc'), '{}'::jsonb) FROM jsonb_object_keys(c.data) k WHERE k <> 'id'),
       c.data->>'hlc', false, c.community_id, NULL, nextval('records_seq')
  FROM campaigns c
ON CONFLICT (entity, id) DO NOTHING;

INSERT INTO records (entity, id, data, field_hlc, hlc, deleted, grid_id, owner_id, seq)
SELECT 'campaignTargets', t.id, t.data || jsonb_build_object('seq', t.seq),
       (SELECT coalesce(jsonb_object_agg(k, t.data->>'hlc'), '{}'::jsonb) FROM jsonb_object_keys(t.data || jsonb_build_object('seq', t.seq)) k WHERE k <> 'id'),
       t.data->>'hlc', false, t.grid_id, NULL, nextval('records_seq')
  FROM campaign_targets t
 ORDER BY t.campaign_id, t.seq
ON CONFLICT (entity, id) DO NOTHING;

DROP TABLE campaign_targets;
DROP TABLE campaigns;

-- A campaign's targets (publish, progress, export, and the visibility of the campaign itself).
CREATE INDEX records_campaign_targets ON records ((data->>'campaignId'), grid_id) WHERE entity = 'campaignTargets';
