package io.elasticmesh.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * What the review queue (or an export) keeps: every non-empty criterion must hold; empty strings and null instants
 * match anything.
 *
 * @param occurredFrom inclusive
 * @param occurredTo exclusive
 * @param truncationReason name of an elastic.reasoning.v1.TruncationReason value
 * @param requiredOnly only events the tier's review rule sent to a person
 * @param state empty = any
 * @param oldestFirst store order ascending; newest first otherwise
 */
public record ReviewFilter(
        String tenant,
        String tier,
        String model,
        String truncationReason,
        Instant occurredFrom,
        Instant occurredTo,
        boolean cutOnly,
        boolean requiredOnly,
        Optional<ReviewState> state,
        boolean oldestFirst) {

    public ReviewFilter withTenant(String scope) {
        return new ReviewFilter(
                scope,
                tier,
                model,
                truncationReason,
                occurredFrom,
                occurredTo,
                cutOnly,
                requiredOnly,
                state,
                oldestFirst);
    }
}
