-- The queued and running scans of a project and ref, whatever triggered them: every API trigger
-- looks for one (CONTRACT §3's 409). Without this index that look read every scan the project ever
-- had, so triggers slowed as a project's history grew (a load of 13,000 triggers on one project
-- spent a quarter of the machine in PostgreSQL on it).
CREATE INDEX scans_active ON scans (project_id, coalesce(ref, ''), created_at) WHERE status IN ('queued', 'running');
