-- When the scan's first run started. A run started again (its message redelivered) sets started_at
-- anew, but the running lease counts from the first: a scan whose run stops the service each time
-- (out of memory) is failed after the lease instead of being run again for ever.
ALTER TABLE scans ADD COLUMN first_started_at timestamptz;
