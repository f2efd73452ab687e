package io.elasticmesh.audit;

import java.time.Instant;

/**
 * What a listing keeps: every non-empty criterion must hold; empty strings and null instants match anything.
 *
 * @param occurredFrom inclusive
 * @param occurredTo exclusive
 * @param truncationReason name of an elastic.reasoning.v1.TruncationReason value
 * @param thinkingContains case-insensitive substring of the thinking text
 */
public record EventFilter(
        String tenant,
        String tier,
        String model,
        Instant occurredFrom,
        Instant occurredTo,
        boolean cutOnly,
        String truncationReason,
        String requestId,
        String traceId,
        String thinkingContains) {

    public EventFilter withTenant(String scope) {
        return new EventFilter(
                scope,
                tier,
                model,
                occurredFrom,
                occurredTo,
                cutOnly,
                truncationReason,
                requestId,
                traceId,
                thinkingContains);
    }
}
