package io.elasticmesh.audit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An item's review: its state, its live claim, every verdict recorded on it, oldest first, and every continuation
 * ("think more") made from it, in store order (newest last).
 */
public record ReviewHistory(
        ReviewState state,
        Optional<ReviewClaim> claim,
        List<StoredVerdict> verdicts,
        List<Continuation> continuations) {

    /** A continuation of the item: its own audited request, which names the item's request as the one it continued. */
    public record Continuation(String requestId, Instant occurredAt, boolean thinkingCut) {}
}
