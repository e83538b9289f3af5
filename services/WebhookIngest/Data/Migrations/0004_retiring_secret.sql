-- A rotation while the previous secret is still in its grace keeps that secret too, until its own
-- grace ends: the provider may still hold it (an answer that was lost and a rotation retried), or
-- already hold the one replaced now.
ALTER TABLE project_webhooks ADD COLUMN retiring_secret text, ADD COLUMN retiring_secret_expires_at timestamptz;
