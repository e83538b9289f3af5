-- request_id is the server's own id for the request (minted by the gateway, never the client's);
-- the X-Request-ID a client sent, if any, is kept beside it.
ALTER TABLE audit_log ADD COLUMN client_request_id text;
