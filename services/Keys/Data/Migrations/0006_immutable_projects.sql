-- A project never changes team or repository and is never removed, whoever asks: the other services
-- keep a project's team and repository once Keys has told them (Access/ProjectFactsCache) and judge
-- an API key's access by them. Making either changeable means invalidating those copies first.

CREATE FUNCTION projects_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a project''s id, team and repository never change, nor is it removed: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER projects_fixed_facts BEFORE UPDATE ON projects
    FOR EACH ROW
    WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.team_id IS DISTINCT FROM NEW.team_id OR OLD.git_url IS DISTINCT FROM NEW.git_url)
    EXECUTE FUNCTION projects_refuse_change();
CREATE TRIGGER projects_never_removed BEFORE DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION projects_refuse_change();
CREATE TRIGGER projects_never_truncated BEFORE TRUNCATE ON projects
    FOR EACH STATEMENT EXECUTE FUNCTION projects_refuse_change();
