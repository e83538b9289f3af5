-- The message whose delivery started the scan's run. A redelivery of that same message (its run
-- was cut short: the broker went away, the process stopped, the database failed mid-run) finds the
-- scan running under its own id and runs it again; any other copy leaves it alone.
ALTER TABLE scans ADD COLUMN run_message_id uuid;
