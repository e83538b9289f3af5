-- Messages written in the same transaction as the change that caused them, then published to
-- RabbitMQ by the relay: a change is never committed without its event, nor an event sent for a
-- change that was rolled back.
CREATE TABLE outbox_messages (
    id           bigserial PRIMARY KEY,
    message_type text        NOT NULL,
    body         jsonb       NOT NULL,
    trace_parent text,
    created_at   timestamptz NOT NULL
);
