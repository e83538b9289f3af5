-- A key's most recent scans (GET /v1/scans?api_key_id=…), newest first, without a scan of the whole table.
CREATE INDEX scans_by_api_key ON scans (api_key_id, created_at DESC) WHERE api_key_id IS NOT NULL;
