CREATE TABLE endpoints (
    id           uuid        PRIMARY KEY,
    url          text        NOT NULL,
    secret       text        NOT NULL,
    event_types  text[]      NOT NULL DEFAULT '{}',
    description  text        NOT NULL DEFAULT '',
    enabled      boolean     NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- One delivery per endpoint and event: a redelivered event cannot be sent twice.
CREATE TABLE deliveries (
    id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    endpoint_id      uuid        NOT NULL REFERENCES endpoints (id),
    event_id         uuid        NOT NULL,
    event_type       text        NOT NULL,
    subject          text        NOT NULL,
    envelope         jsonb       NOT NULL,
    trace_carrier    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    status           text        NOT NULL DEFAULT 'pending'
                                 CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (endpoint_id, event_id)
);

CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_subject ON deliveries (subject);

CREATE TABLE delivery_attempts (
    delivery_id  uuid             NOT NULL REFERENCES deliveries (id),
    attempt      integer          NOT NULL,
    started_at   timestamptz      NOT NULL,
    status_code  integer,
    latency_ms   double precision NOT NULL,
    error        text,
    PRIMARY KEY (delivery_id, attempt)
);
