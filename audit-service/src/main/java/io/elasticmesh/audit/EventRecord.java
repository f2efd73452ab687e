package io.elasticmesh.audit;

import java.time.Instant;

/**
 * One audit event as stored: the columns queries filter on, derived from {@code payload}, the serialized event
 * that the hash chain covers.
 *
 * @param truncationReason name of the elastic.reasoning.v1.TruncationReason value
 * @param reviewRequired the tier's review rule sent the request to a person
 * @param continuedRequestId for a continuation, the request id it continued; {@code ""} otherwise
 */
public record EventRecord(
        String eventId,
        String requestId,
        String traceId,
        Instant occurredAt,
        String tenant,
        String tier,
        String model,
        boolean thinkingCut,
        String truncationReason,
        String thinkingText,
        boolean reviewRequired,
        String continuedRequestId,
        byte[] payload) {}
