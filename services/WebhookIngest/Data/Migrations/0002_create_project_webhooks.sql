-- Each project's webhook: its provider, the repository address deliveries are matched by, and its
-- secret encrypted at rest. During a rotation the previous secret verifies until its grace ends.
CREATE TABLE project_webhooks (
    project_id                  uuid PRIMARY KEY,
    team_id                     uuid        NOT NULL,
    provider                    text        NOT NULL CHECK (provider IN ('github', 'gitlab')),
    repository_url              text        NOT NULL,
    repository_key              text        NOT NULL,
    secret                      text        NOT NULL,
    previous_secret             text,
    previous_secret_expires_at  timestamptz,
    created_at                  timestamptz NOT NULL,
    rotated_at                  timestamptz
);

-- Deliveries find their project by the normalised repository address.
CREATE INDEX project_webhooks_repository ON project_webhooks (repository_key);
