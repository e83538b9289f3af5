-- A message RabbitMQ returned (no queue takes its type yet: its consumer has not started once) is
-- kept and tried again later, each time a little later (up to a minute), so that it does not hold
-- up the messages after it.
ALTER TABLE outbox_messages ADD COLUMN returns integer NOT NULL DEFAULT 0;
ALTER TABLE outbox_messages ADD COLUMN next_attempt_at timestamptz;
