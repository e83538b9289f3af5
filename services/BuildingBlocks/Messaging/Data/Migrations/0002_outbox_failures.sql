-- A message that can never be published (its type is unknown here, its body does not read) is
-- set aside with the reason instead of blocking every message after it.
ALTER TABLE outbox_messages ADD COLUMN failed_at timestamptz;
ALTER TABLE outbox_messages ADD COLUMN error text;
CREATE INDEX outbox_messages_pending ON outbox_messages (id) WHERE failed_at IS NULL;
