-- The project's team, for scans triggered through the API (the Keys service said it then; a
-- project never changes team). With it a team key's read of a scan is judged here, without
-- asking Keys. Scans from webhooks, and older ones, keep a null team and are asked about.
ALTER TABLE scans ADD COLUMN team_id uuid;
