-- Why a scan failed, as a stable code a pipeline can branch on (CONTRACT §3 error_message stays
-- the human text). Scans that failed before codes existed keep a null code.
ALTER TABLE scans ADD COLUMN error_code text;
