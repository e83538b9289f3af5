-- A scan of one project at one ref. Its id is chosen by whoever asked for it (the API or the
-- webhook receiver), so a redelivered request can never create a second scan.
CREATE TABLE scans (
    id                   uuid PRIMARY KEY,
    project_id           uuid        NOT NULL,
    kind                 text        NOT NULL,
    status               text        NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    ref                  text,
    commit_sha           text,
    trigger              text        NOT NULL CHECK (trigger IN ('api', 'webhook')),
    requested_by_user_id uuid,
    api_key_id           uuid,
    delivery_id          uuid,
    created_at           timestamptz NOT NULL,
    started_at           timestamptz,
    completed_at         timestamptz,
    error_message        text,
    component_count      integer
);

CREATE INDEX scans_project_created ON scans (project_id, created_at DESC);
