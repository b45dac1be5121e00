-- Fan-out keeps each event type's matching subscriptions in memory and reuses them while this
-- version stands: it moves (in the changing transaction) with every change the match reads,
-- subscriptions themselves and their endpoints' existence, kind and enabled flag (not the
-- endpoints' health, which changes on every failed attempt). The event log insert reads it in
-- the same statement, so an event never meets subscriptions older than its own transaction.
CREATE TABLE subscriptions_version (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version    bigint  NOT NULL
);
INSERT INTO subscriptions_version (singleton, version) VALUES (true, 1);

CREATE FUNCTION subscriptions_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE subscriptions_version SET version = version + 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER subscriptions_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON subscriptions FOR EACH STATEMENT EXECUTE FUNCTION subscriptions_version_bump();
CREATE TRIGGER endpoints_added_or_removed AFTER INSERT OR DELETE OR TRUNCATE
    ON endpoints FOR EACH STATEMENT EXECUTE FUNCTION subscriptions_version_bump();
CREATE TRIGGER endpoints_routing_changed AFTER UPDATE OF enabled, kind
    ON endpoints FOR EACH STATEMENT EXECUTE FUNCTION subscriptions_version_bump();
