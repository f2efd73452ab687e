package io.elasticmesh.audit;

import java.time.Instant;

/**
 * One verdict as stored: the columns derived from {@code payload}, the serialized elastic.audit.v1.ReviewVerdict
 * that the tenant's review chain covers.
 */
public record VerdictRecord(
        String verdictId,
        String tenant,
        String eventId,
        String requestId,
        String reviewer,
        String verdict,
        boolean escalates,
        String comment,
        Instant recordedAt,
        byte[] payload) {}
