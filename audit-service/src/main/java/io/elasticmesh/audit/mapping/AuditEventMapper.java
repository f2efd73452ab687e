package io.elasticmesh.audit.mapping;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.elasticmesh.audit.ChainAnchor;
import io.elasticmesh.audit.ChainReport;
import io.elasticmesh.audit.EventFilter;
import io.elasticmesh.audit.EventRecord;
import io.elasticmesh.audit.Redactor;
import io.elasticmesh.audit.StoredEvent;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.ChainBreak;
import io.elasticmesh.proto.audit.v1.ChainLink;
import io.elasticmesh.proto.audit.v1.GetAuditEventResponse;
import io.elasticmesh.proto.audit.v1.GetContinuationResponse;
import io.elasticmesh.proto.audit.v1.ListAuditEventsRequest;
import io.elasticmesh.proto.audit.v1.VerifyAuditChainResponse;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import java.time.Instant;

/** Proto ↔ domain for audit-service: what is stored of an event, filters, the replies, and chain anchors. */
public final class AuditEventMapper {

    /** google.protobuf.Timestamp's range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z. */
    private static final long MIN_SECONDS = -62_135_596_800L;

    private static final long MAX_SECONDS = 253_402_300_799L;

    private AuditEventMapper() {}

    /** @throws IllegalArgumentException when the bytes are not an AuditEvent */
    public static AuditEvent parse(byte[] payload) {
        try {
            return AuditEvent.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an elastic.audit.v1.AuditEvent: " + e.getMessage(), e);
        }
    }

    /** The event with every text a person wrote or the model generated passed through {@code redactor}. */
    public static AuditEvent redacted(AuditEvent event, Redactor redactor) {
        if (redactor.isEmpty()) {
            return event;
        }
        AuditEvent.Builder redacted = event.toBuilder();
        for (ChatMessage.Builder message : redacted.getRequestBuilder().getMessagesBuilderList()) {
            message.setContent(redactor.redact(message.getContent()));
        }
        redacted.getResponseBuilder()
                .setThinkingText(redactor.redact(event.getResponse().getThinkingText()))
                .setSolutionText(redactor.redact(event.getResponse().getSolutionText()));
        // The rendered prompt holds the conversation again.
        redacted.setThinkingPromptText(redactor.redact(event.getThinkingPromptText()));
        return redacted.build();
    }

    /** What is stored: the columns queries filter on, and the event's bytes. */
    public static EventRecord toRecord(AuditEvent event) {
        return toRecord(event, event.toByteArray());
    }

    /** The columns a stored payload implies. */
    public static EventRecord toRecord(byte[] payload) {
        return toRecord(parse(payload), payload);
    }

    private static EventRecord toRecord(AuditEvent event, byte[] payload) {
        var response = event.getResponse();
        return new EventRecord(
                event.getEventId(),
                response.getRequestId(),
                event.getTraceId(),
                toInstant(event.getOccurredAt()),
                event.getTenant(),
                response.getBudget().getTier(),
                response.getBudget().getModel(),
                response.getThinkingTruncated(),
                response.getTruncationReason().name(),
                storable(response.getThinkingText()),
                event.getReview().getRequired(),
                event.getContinuedRequestId(),
                payload);
    }

    /**
     * A model may generate U+0000, which a PostgreSQL text column refuses: such an event could never be stored and
     * would hold up every event behind it. The column shows U+FFFD instead; the payload keeps the text as generated.
     */
    static String storable(String text) {
        return text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\uFFFD');
    }

    /** @throws IllegalArgumentException naming the field that is out of range */
    public static EventFilter toFilter(ListAuditEventsRequest request) {
        if (request.getThinkingContains().length() > 200) {
            throw new IllegalArgumentException("thinking_contains must be at most 200 characters, was "
                    + request.getThinkingContains().length());
        }
        if (request.getTruncationReason() == TruncationReason.UNRECOGNIZED) {
            throw new IllegalArgumentException(
                    "truncation_reason " + request.getTruncationReasonValue() + " is not a known TruncationReason");
        }
        Instant from = request.hasOccurredFrom() ? toInstant("occurred_from", request.getOccurredFrom()) : null;
        Instant to = request.hasOccurredTo() ? toInstant("occurred_to", request.getOccurredTo()) : null;
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("occurred_from (" + from + ") must be before occurred_to (" + to + ")");
        }
        return new EventFilter(
                request.getTenant(),
                request.getTier(),
                request.getModel(),
                from,
                to,
                request.getCutOnly(),
                request.getTruncationReason() == TruncationReason.TRUNCATION_REASON_UNSPECIFIED
                        ? ""
                        : request.getTruncationReason().name(),
                request.getRequestId(),
                request.getTraceId(),
                request.getThinkingContains());
    }

    public static GetAuditEventResponse toResponse(StoredEvent stored) {
        return GetAuditEventResponse.newBuilder()
                .setEvent(parse(stored.payload()))
                .setLink(ChainLink.newBuilder()
                        .setPosition(stored.position())
                        .setPrevHash(stored.prevHash())
                        .setHash(stored.hash())
                        .setStoredAt(toTimestamp(stored.storedAt())))
                .build();
    }

    /** What continuing the stored event's request needs: the request, its prompt and thinking, and the cut. */
    public static GetContinuationResponse toContinuation(StoredEvent stored) {
        AuditEvent event = parse(stored.payload());
        var response = event.getResponse();
        return GetContinuationResponse.newBuilder()
                .setTenant(event.getTenant())
                .setRequest(event.getRequest())
                .setThinkingPromptText(event.getThinkingPromptText())
                .setThinkingText(response.getThinkingText())
                .setThinkingTruncated(response.getThinkingTruncated())
                .setTruncationReason(response.getTruncationReason())
                .setUsage(response.getUsage())
                .setBudget(response.getBudget())
                .setSampling(response.getSampling())
                .build();
    }

    public static VerifyAuditChainResponse toResponse(ChainReport report) {
        VerifyAuditChainResponse.Builder response = VerifyAuditChainResponse.newBuilder()
                .setIntact(report.intact())
                .setLinksChecked(report.checked())
                .setLinksRetired(report.retired())
                .setAnchoredPosition(report.anchored())
                .setVerdictLinksChecked(report.verdictsChecked());
        report.firstBreak()
                .ifPresent(b -> response.setFirstBreak(ChainBreak.newBuilder()
                        .setPosition(b.position())
                        .setEventId(b.eventId())
                        .setRequestId(b.requestId())
                        .setProblem(b.problem())
                        .setChain(b.chain())));
        return response.build();
    }

    public static io.elasticmesh.proto.audit.v1.ChainAnchor toProto(ChainAnchor anchor) {
        return io.elasticmesh.proto.audit.v1.ChainAnchor.newBuilder()
                .setTenant(anchor.tenant())
                .setPosition(anchor.position())
                .setHash(anchor.hash())
                .setAnchoredAt(toTimestamp(anchor.anchoredAt()))
                .setSignature(anchor.signature())
                .build();
    }

    /** @throws InvalidProtocolBufferException when the bytes are not a ChainAnchor */
    public static ChainAnchor toAnchor(byte[] bytes) throws InvalidProtocolBufferException {
        var anchor = io.elasticmesh.proto.audit.v1.ChainAnchor.parseFrom(bytes);
        return new ChainAnchor(
                anchor.getTenant(),
                anchor.getPosition(),
                anchor.getHash(),
                toInstant(anchor.getAnchoredAt()),
                anchor.getSignature());
    }

    /** @throws IllegalArgumentException naming {@code field} when it is not a valid Timestamp (years 1 to 9999) */
    static Instant toInstant(String field, Timestamp timestamp) {
        if (timestamp.getSeconds() < MIN_SECONDS
                || timestamp.getSeconds() > MAX_SECONDS
                || timestamp.getNanos() < 0
                || timestamp.getNanos() > 999_999_999) {
            throw new IllegalArgumentException(field + " must be a valid timestamp (0001-01-01 to 9999-12-31, nanos "
                    + "0 to 999999999), was seconds " + timestamp.getSeconds() + " nanos " + timestamp.getNanos());
        }
        return toInstant(timestamp);
    }

    public static Instant toInstant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    public static Timestamp toTimestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }
}
