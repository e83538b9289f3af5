-- Scans whose active-scan note Redis did not take away when they ended. Until the note is gone,
-- every delivery for the scan's ref is answered skipped_active_scan, for up to the note's whole
-- lifetime (75 minutes); the reaper removes these notes once Redis answers again.
CREATE TABLE active_note_clears (
    scan_id uuid PRIMARY KEY,
    project_id uuid NOT NULL,
    ref text,
    ended_at timestamptz NOT NULL
);
