-- Every verified delivery, stored before the provider gets its answer. (provider, delivery_id)
-- is the provider's own id, so a redelivery is recognised and answered "duplicate".
CREATE TABLE webhook_deliveries (
    id           uuid PRIMARY KEY,
    provider     text        NOT NULL CHECK (provider IN ('github', 'gitlab')),
    delivery_id  text        NOT NULL,
    project_id   uuid        NOT NULL,
    event_type   text        NOT NULL,
    outcome      text        NOT NULL CHECK (outcome IN ('enqueued', 'ignored', 'skipped_active_scan')),
    scan_id      uuid,
    request_id   text,
    received_at  timestamptz NOT NULL,
    UNIQUE (provider, delivery_id)
);

CREATE INDEX webhook_deliveries_project_received ON webhook_deliveries (project_id, received_at DESC);
