-- A delivery is a repeat only for the project it was stored for. GitLab before 17.4 sends no
-- Idempotency-Key, and its X-Gitlab-Event-UUID is one per event, shared by every hook that event
-- fires: two projects of one repository (each with its own hook) would have had the second
-- project's delivery answered "duplicate" with the first project's scan, and no scan of its own.
ALTER TABLE webhook_deliveries
    DROP CONSTRAINT webhook_deliveries_provider_delivery_id_key,
    ADD CONSTRAINT webhook_deliveries_project_provider_delivery_id_key UNIQUE (project_id, provider, delivery_id);
