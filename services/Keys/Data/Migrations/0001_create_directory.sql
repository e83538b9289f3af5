-- People, teams and projects: who may do what (CONTRACT §1).
CREATE TABLE users (
    id            uuid PRIMARY KEY,
    email         text        NOT NULL,
    full_name     text        NOT NULL,
    password_hash text        NOT NULL,
    is_superuser  boolean     NOT NULL DEFAULT false,
    is_active     boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL
);
-- Emails compare case-insensitively: Admin@x and admin@x are one person.
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE teams (
    id         uuid PRIMARY KEY,
    name       text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL
);

CREATE TABLE memberships (
    team_id    uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text        NOT NULL CHECK (role IN ('viewer', 'developer', 'team_admin')),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE projects (
    id         uuid PRIMARY KEY,
    team_id    uuid        NOT NULL REFERENCES teams (id),
    name       text        NOT NULL,
    git_url    text        NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (team_id, name)
);
