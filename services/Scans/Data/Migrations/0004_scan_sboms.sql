-- The CycloneDX document a succeeded scan produced, kept apart from the scans rows that every poll
-- reads. Its ETag is the SHA-256 of the bytes.
CREATE TABLE scan_sboms (
    scan_id    uuid        PRIMARY KEY REFERENCES scans (id),
    document   bytea       NOT NULL,
    etag       text        NOT NULL,
    created_at timestamptz NOT NULL
);
