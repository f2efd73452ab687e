package io.elasticmesh.auditchain;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.ReviewVerdict;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of an audit export: a link of a chain (its kind, tenant, position, previous hash, hash and the exact bytes
 * hashed) and, for people, the columns those bytes imply. The readable columns are always derived from the payload,
 * here, so a verifier can tell when an exported line's text no longer matches what was hashed.
 */
public record ExportRow(Kind kind, String tenant, long position, String prevHash, String hash, byte[] payload) {

    /** Which chain a line belongs to. */
    public enum Kind {
        /** A tenant's audit events (elastic.audit.v1.AuditEvent payloads). */
        EVENT,
        /** A tenant's review verdicts (elastic.audit.v1.ReviewVerdict payloads). */
        VERDICT;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Every column of a line, in order (CSV header, JSON field order). */
    public static final List<String> COLUMNS = List.of(
            "kind",
            "tenant",
            "position",
            "prev_hash",
            "hash",
            "event_id",
            "request_id",
            "at",
            "tier",
            "model",
            "thinking_cut",
            "truncation_reason",
            "thinking_tokens",
            "thinking_text",
            "solution_text",
            "continued_request_id",
            "reviewer",
            "verdict",
            "escalates",
            "comment",
            "payload_base64");

    /**
     * The line's columns, every one a string (empty where a column does not apply to the kind).
     *
     * @throws IllegalArgumentException when the payload is not a message of the kind
     */
    public Map<String, String> columns() {
        Map<String, String> columns = new LinkedHashMap<>();
        COLUMNS.forEach(name -> columns.put(name, ""));
        columns.put("kind", kind.label());
        columns.put("tenant", tenant);
        columns.put("position", Long.toString(position));
        columns.put("prev_hash", prevHash);
        columns.put("hash", hash);
        columns.put("payload_base64", Base64.getEncoder().encodeToString(payload));
        try {
            if (kind == Kind.EVENT) {
                AuditEvent event = AuditEvent.parseFrom(payload);
                var response = event.getResponse();
                columns.put("event_id", event.getEventId());
                columns.put("request_id", response.getRequestId());
                columns.put("at", instant(event.getOccurredAt()));
                columns.put("tier", response.getBudget().getTier());
                columns.put("model", response.getBudget().getModel());
                columns.put("thinking_cut", Boolean.toString(response.getThinkingTruncated()));
                columns.put("truncation_reason", response.getTruncationReason().name());
                columns.put(
                        "thinking_tokens",
                        Integer.toUnsignedString(response.getUsage().getThinkingTokens()));
                columns.put("thinking_text", response.getThinkingText());
                columns.put("solution_text", response.getSolutionText());
                columns.put("continued_request_id", event.getContinuedRequestId());
            } else {
                ReviewVerdict verdict = ReviewVerdict.parseFrom(payload);
                columns.put("event_id", verdict.getEventId());
                columns.put("request_id", verdict.getRequestId());
                columns.put("at", instant(verdict.getRecordedAt()));
                columns.put("reviewer", verdict.getReviewer());
                columns.put("verdict", verdict.getVerdict());
                columns.put("escalates", Boolean.toString(verdict.getEscalates()));
                columns.put("comment", verdict.getComment());
            }
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(
                    "payload is not an elastic.audit.v1." + (kind == Kind.EVENT ? "AuditEvent" : "ReviewVerdict"), e);
        }
        return columns;
    }

    private static String instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
    }
}
