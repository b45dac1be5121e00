-- Who owns an endpoint or subscription (#17): the principal that created it. Integrators see
-- and change only their own; admins all. NULL: created before owners, or by an operator.
ALTER TABLE endpoints ADD COLUMN owner text;
ALTER TABLE subscriptions ADD COLUMN owner text;
CREATE INDEX endpoints_owner ON endpoints (owner) WHERE owner IS NOT NULL;
CREATE INDEX subscriptions_owner ON subscriptions (owner) WHERE owner IS NOT NULL;
