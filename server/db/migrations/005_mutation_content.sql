-- A mutation id means one mutation (DESIGN §4): with each applied id the server keeps a SHA-256
-- of its fields (canonical JSON, server/sync/mutationHash.ts). The same id with the same user,
-- entity, record and hash is a retry (`duplicate`); anything else is `rejected`. Ids applied
-- before this migration have no hash: they are compared by user, entity and record only.
ALTER TABLE mutations ADD COLUMN fields_hash text;
