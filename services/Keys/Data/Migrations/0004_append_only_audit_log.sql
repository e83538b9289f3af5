-- The audit log is append-only at the database (CONTRACT §5): a row once written is never changed
-- or removed, whoever asks.

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

CREATE INDEX audit_log_team_created ON audit_log (team_id, created_at DESC);
CREATE INDEX audit_log_actor_created ON audit_log (actor_user_id, created_at DESC);
