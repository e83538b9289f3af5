-- CONTRACT §3: while an API-triggered scan of a project and ref is queued or running, another
-- trigger gets 409. Webhook scans are exempt: the receiver has already promised the provider a scan.
CREATE UNIQUE INDEX scans_one_active_api_scan ON scans (project_id, coalesce(ref, ''))
    WHERE status IN ('queued', 'running') AND trigger = 'api';
