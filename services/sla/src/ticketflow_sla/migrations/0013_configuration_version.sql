-- One version of policies, calendars and escalation policies together: every replica keeps
-- them in memory and reloads them when the version it reads with a ticket's facts is another.
-- A trigger replaces it on any write, whatever the path (API, archive, migration, SQL), in the
-- writer's commit. Random, so that no two schemas (test schemas in one process) share one.
CREATE TABLE configuration_version (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version   uuid    NOT NULL DEFAULT gen_random_uuid()
);
INSERT INTO configuration_version DEFAULT VALUES;

CREATE FUNCTION bump_configuration_version() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE configuration_version SET version = gen_random_uuid();
    RETURN NULL;
END $$;

CREATE TRIGGER policies_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON policies
    FOR EACH STATEMENT EXECUTE FUNCTION bump_configuration_version();
CREATE TRIGGER calendars_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendars
    FOR EACH STATEMENT EXECUTE FUNCTION bump_configuration_version();
CREATE TRIGGER escalation_policies_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON escalation_policies
    FOR EACH STATEMENT EXECUTE FUNCTION bump_configuration_version();
