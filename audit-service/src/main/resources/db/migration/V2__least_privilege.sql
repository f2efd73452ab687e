-- audit-service runs as ${service_user}: it may add events and read them, never change or delete one. Migrations,
-- this one included, run as the schema's owner (quarkus.flyway.username), which keeps every right, as superusers do:
-- what they could rewrite is caught by the chain anchors kept outside the database (see README, Compliance).

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${service_user}') THEN
        -- Created without a password (enough for the local stack's trust authentication); Kubernetes creates the
        -- role with its password before this runs (k8s/base/postgres-init.sh).
        CREATE ROLE "${service_user}" LOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO "${service_user}";

GRANT SELECT, INSERT ON audit_event TO "${service_user}";
GRANT USAGE ON SEQUENCE audit_event_seq_seq TO "${service_user}";

-- The head moves as events are stored (FOR UPDATE needs an UPDATE right); the retention columns only move through
-- audit_retire below.
GRANT SELECT, INSERT ON audit_chain TO "${service_user}";
GRANT UPDATE (head_position, head_hash) ON audit_chain TO "${service_user}";

ALTER TABLE audit_query_log ADD COLUMN peer text NOT NULL DEFAULT '';
GRANT INSERT ON audit_query_log TO "${service_user}";
GRANT USAGE ON SEQUENCE audit_query_log_id_seq TO "${service_user}";

-- A chain's head only ever moves forward: rewinding it would hide the deletion of the newest events.
CREATE FUNCTION audit_chain_head_moves_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.head_position < OLD.head_position
            OR (NEW.head_position = OLD.head_position AND NEW.head_hash <> OLD.head_hash) THEN
        RAISE EXCEPTION 'the head of tenant %''s audit chain only moves forward (it is link %, not %)',
            OLD.tenant, OLD.head_position, NEW.head_position;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_chain_head_moves_forward BEFORE UPDATE ON audit_chain
    FOR EACH ROW EXECUTE FUNCTION audit_chain_head_moves_forward();

-- Retention's one way to delete events, and its record.
CREATE TABLE audit_retention_policy (
    -- audit_retire deletes no event stored more recently than this, whatever its caller asks.
    min_age interval NOT NULL
);
INSERT INTO audit_retention_policy VALUES (interval '${retention_floor}');

CREATE TABLE audit_retention_log (
    id               bigserial   PRIMARY KEY,
    at               timestamptz NOT NULL DEFAULT now(),
    tenant           text        NOT NULL,
    -- Links from_position..to_position were deleted; to_position is the new checkpoint, retired_hash its hash.
    from_position    bigint      NOT NULL,
    to_position      bigint      NOT NULL,
    deleted          bigint      NOT NULL,
    retired_hash     text        NOT NULL,
    by_role          text        NOT NULL
);
GRANT SELECT ON audit_retention_log TO "${service_user}";

-- Deletes tenant's links retired_position+1 .. last (its oldest), all stored before the policy's minimum age, moves
-- the checkpoint to link last, whose hash must be the one the caller signed, and logs the deletion. Runs with its
-- owner's rights (SECURITY DEFINER): the service role may call it, not delete.
CREATE FUNCTION audit_retire(p_tenant text, p_last bigint, p_hash text, p_checkpoint_mac text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    chain   audit_chain%ROWTYPE;
    newest  timestamptz;
    stored  text;
    deleted bigint;
BEGIN
    SELECT * INTO chain FROM audit_chain WHERE tenant = p_tenant FOR UPDATE;
    IF NOT FOUND OR p_last <= chain.retired_position OR p_last > chain.head_position THEN
        RAISE EXCEPTION 'tenant %: links up to % cannot be retired (retired up to %, head %)', p_tenant, p_last,
            chain.retired_position, chain.head_position;
    END IF;
    SELECT hash INTO stored FROM audit_event WHERE tenant = p_tenant AND position = p_last;
    IF stored IS DISTINCT FROM p_hash THEN
        RAISE EXCEPTION 'tenant %: link % has hash %, not %', p_tenant, p_last, stored, p_hash;
    END IF;
    SELECT max(stored_at) INTO newest FROM audit_event
        WHERE tenant = p_tenant AND position > chain.retired_position AND position <= p_last;
    IF newest > now() - (SELECT min_age FROM audit_retention_policy) THEN
        RAISE EXCEPTION 'tenant %: link % or an older one was stored at %, within the minimum retention of %',
            p_tenant, p_last, newest, (SELECT min_age FROM audit_retention_policy);
    END IF;
    DELETE FROM audit_event WHERE tenant = p_tenant AND position <= p_last;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    UPDATE audit_chain SET retired_position = p_last, retired_hash = p_hash, checkpoint_mac = p_checkpoint_mac
        WHERE tenant = p_tenant;
    INSERT INTO audit_retention_log (tenant, from_position, to_position, deleted, retired_hash, by_role)
        VALUES (p_tenant, chain.retired_position + 1, p_last, deleted, p_hash, session_user);
    RETURN deleted;
END
$$;
REVOKE ALL ON FUNCTION audit_retire(text, bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_retire(text, bigint, text, text) TO "${service_user}";
