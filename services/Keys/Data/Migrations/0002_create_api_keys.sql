-- Credentials for CI (CONTRACT §2). Only a keyed hash of each key is stored: the key itself is
-- shown once, at creation.
CREATE TABLE api_keys (
    id                 uuid PRIMARY KEY,
    key_prefix         text        NOT NULL UNIQUE,
    secret_hash        bytea       NOT NULL,
    name               text        NOT NULL,
    scope              text        NOT NULL CHECK (scope IN ('org', 'team', 'project')),
    permission_breadth text        NOT NULL CHECK (permission_breadth IN ('read_write', 'read_only')),
    team_id            uuid REFERENCES teams (id),
    project_id         uuid REFERENCES projects (id),
    created_by_user_id uuid        NOT NULL REFERENCES users (id),
    created_at         timestamptz NOT NULL,
    expires_at         timestamptz,
    revoked_at         timestamptz,
    last_used_at       timestamptz,
    last_used_ip       text,
    CHECK ((scope = 'org' AND team_id IS NULL AND project_id IS NULL)
        OR (scope = 'team' AND team_id IS NOT NULL AND project_id IS NULL)
        OR (scope = 'project' AND team_id IS NOT NULL AND project_id IS NOT NULL))
);

CREATE INDEX api_keys_created ON api_keys (created_at DESC);
CREATE INDEX api_keys_team ON api_keys (team_id);
CREATE INDEX api_keys_issuer ON api_keys (created_by_user_id);

-- Append-only record of every change (CONTRACT §5); secrets appear as "***".
CREATE TABLE audit_log (
    id                uuid PRIMARY KEY,
    created_at        timestamptz NOT NULL,
    actor_user_id     uuid,
    actor_api_key_id  uuid,
    team_id           uuid,
    target_table      text        NOT NULL,
    target_id         uuid        NOT NULL,
    action            text        NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    request_id        text,
    diff              jsonb       NOT NULL
);

CREATE INDEX audit_log_created ON audit_log (created_at DESC);
CREATE INDEX audit_log_target ON audit_log (target_table, action, created_at DESC);
