-- The review workflow (see README, Compliance): reservations, which expire and may be released, and verdicts, which
-- are append-only and hash-chained per tenant in a review chain parallel to the event chain.

-- At most one reservation per event: the primary key is what lets exactly one of two concurrent claims win.
CREATE TABLE review_claim (
    event_id    text        PRIMARY KEY,
    tenant      text        NOT NULL,
    reviewer    text        NOT NULL,
    claimed_at  timestamptz NOT NULL,
    -- The reservation is live while expires_at > now(); after that anyone may take the row over.
    expires_at  timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE, DELETE ON review_claim TO "${service_user}";

CREATE TABLE review_verdict (
    tenant       text        NOT NULL,
    -- 1 for a tenant's first verdict, then +1 per verdict: the link's place in the tenant's review chain.
    position     bigint      NOT NULL,
    verdict_id   text        NOT NULL,
    event_id     text        NOT NULL,
    request_id   text        NOT NULL,
    reviewer     text        NOT NULL,
    verdict      text        NOT NULL,
    escalates    boolean     NOT NULL,
    comment      text        NOT NULL,
    recorded_at  timestamptz NOT NULL,
    -- The serialized elastic.audit.v1.ReviewVerdict; the columns above are derived from it.
    payload      bytea       NOT NULL,
    -- hash = hex(sha256(prev_hash || payload)), as for events.
    prev_hash    text        NOT NULL,
    hash         text        NOT NULL,
    PRIMARY KEY (tenant, position),
    CONSTRAINT review_verdict_id_unique UNIQUE (verdict_id)
);
CREATE INDEX review_verdict_event ON review_verdict (event_id, position);

-- One row per tenant: the head of its review chain, which only moves forward (the trigger of V2 applies as is).
CREATE TABLE review_chain (
    tenant         text   PRIMARY KEY,
    head_position  bigint NOT NULL,
    head_hash      text   NOT NULL
);
CREATE TRIGGER review_chain_head_moves_forward BEFORE UPDATE ON review_chain
    FOR EACH ROW EXECUTE FUNCTION audit_chain_head_moves_forward();

-- Verdicts are added and read, never changed or deleted, by the service.
GRANT SELECT, INSERT ON review_verdict TO "${service_user}";
GRANT SELECT, INSERT ON review_chain TO "${service_user}";
GRANT UPDATE (head_position, head_hash) ON review_chain TO "${service_user}";
