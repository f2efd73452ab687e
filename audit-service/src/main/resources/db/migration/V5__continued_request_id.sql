-- A continuation ("think more") names the request it continued (AuditEvent.continued_request_id): a column derived
-- from the payload like the others, so an item's history can list its continuations, and checked against the
-- payload by VerifyAuditChain like the others. The hash covers the payload only, so no link's hash changes.

ALTER TABLE audit_event ADD COLUMN continued_request_id text NOT NULL DEFAULT '';

-- The base-128 varint at byte pos of payload (a protobuf tag or length), and the byte after it.
CREATE FUNCTION audit_protobuf_varint(payload bytea, INOUT pos int, OUT value bigint)
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    shift int := 0;
    b     int;
BEGIN
    value := 0;
    LOOP
        b := get_byte(payload, pos); pos := pos + 1;
        value := value | ((b & 127)::bigint << shift); shift := shift + 7;
        EXIT WHEN b < 128;
    END LOOP;
END
$$;

-- Field 8 (continued_request_id) of a serialized elastic.audit.v1.AuditEvent, '' when absent: the rows stored before
-- this column must hold what their payload says, or the chain verifier would report them as altered. Walks the
-- message's top-level fields by their wire types (varint 0, fixed64 1, length-delimited 2, fixed32 5).
CREATE FUNCTION audit_event_continued_request_id(payload bytea) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    i     int := 0;
    tag   bigint;
    len   bigint;
    found text := '';
BEGIN
    WHILE i < length(payload) LOOP
        SELECT v.pos, v.value INTO i, tag FROM audit_protobuf_varint(payload, i) v;
        CASE tag & 7
            WHEN 0 THEN SELECT v.pos INTO i FROM audit_protobuf_varint(payload, i) v;
            WHEN 1 THEN i := i + 8;
            WHEN 5 THEN i := i + 4;
            WHEN 2 THEN
                SELECT v.pos, v.value INTO i, len FROM audit_protobuf_varint(payload, i) v;
                -- A field repeated in one message: the last one wins, as protobuf parsers read it.
                IF tag >> 3 = 8 THEN
                    found := convert_from(substring(payload FROM i + 1 FOR len::int), 'UTF8');
                END IF;
                i := i + len::int;
            ELSE
                RAISE EXCEPTION 'not an elastic.audit.v1.AuditEvent: wire type % at byte %', tag & 7, i;
        END CASE;
    END LOOP;
    RETURN found;
END
$$;
REVOKE ALL ON FUNCTION audit_protobuf_varint(bytea, int) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_event_continued_request_id(bytea) FROM PUBLIC;

UPDATE audit_event SET continued_request_id = audit_event_continued_request_id(payload);

-- An item's continuations: few per request, looked up by the original's tenant and request id.
CREATE INDEX audit_event_continued_request_id ON audit_event (tenant, continued_request_id)
    WHERE continued_request_id <> '';
