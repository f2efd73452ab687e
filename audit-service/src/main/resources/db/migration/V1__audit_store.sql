-- Audit events as received from Kafka, one hash chain per tenant.

CREATE TABLE audit_event (
    tenant            text        NOT NULL,
    -- 1 for a tenant's first stored event, then +1 per event in store order: the link's place in the chain.
    position          bigint      NOT NULL,
    event_id          text        NOT NULL,
    request_id        text        NOT NULL,
    trace_id          text        NOT NULL,
    occurred_at       timestamptz NOT NULL,
    tier              text        NOT NULL,
    model             text        NOT NULL,
    thinking_cut      boolean     NOT NULL,
    truncation_reason text        NOT NULL,
    thinking_text     text        NOT NULL,
    -- The serialized elastic.audit.v1.AuditEvent as stored (after redaction); the columns above are derived from it.
    payload           bytea       NOT NULL,
    -- hash = hex(sha256(prev_hash || payload)); prev_hash is the previous position's hash (64 zeros at the start).
    prev_hash         text        NOT NULL,
    hash              text        NOT NULL,
    stored_at         timestamptz NOT NULL DEFAULT now(),
    -- Store order across tenants, for stable keyset pagination.
    seq               bigserial   NOT NULL,
    PRIMARY KEY (tenant, position),
    CONSTRAINT audit_event_event_id_unique UNIQUE (event_id),
    CONSTRAINT audit_event_seq_unique UNIQUE (seq)
);

CREATE INDEX audit_event_request_id ON audit_event (request_id);
CREATE INDEX audit_event_trace_id ON audit_event (trace_id);
CREATE INDEX audit_event_tenant_seq ON audit_event (tenant, seq);
CREATE INDEX audit_event_occurred_at ON audit_event (occurred_at);

-- One row per tenant: the head of its chain (where the next event links on; lets verification see deletions at the
-- end) and the retention checkpoint it now starts from.
CREATE TABLE audit_chain (
    tenant            text   PRIMARY KEY,
    head_position     bigint NOT NULL,
    head_hash         text   NOT NULL,
    -- Links 1..retired_position were deleted by retention; retired_hash is the hash of the last one.
    retired_position  bigint NOT NULL,
    retired_hash      text   NOT NULL,
    -- hex(hmac-sha256(checkpoint key, tenant || ':' || retired_position || ':' || retired_hash)); '' before any
    -- retention. Without the key nobody can move the checkpoint to hide a deletion.
    checkpoint_mac    text   NOT NULL
);

-- Every compliance query, allowed or not: who asked what.
CREATE TABLE audit_query_log (
    id          bigserial   PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    principal   text        NOT NULL,
    principal_tenant text   NOT NULL,
    roles       text        NOT NULL,
    rpc         text        NOT NULL,
    -- The request as sent (protobuf text format).
    request     text        NOT NULL,
    -- 'allowed', or why it was refused.
    outcome     text        NOT NULL
);
