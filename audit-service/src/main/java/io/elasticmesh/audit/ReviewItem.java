package io.elasticmesh.audit;

import java.util.Optional;

/** An item of the review queue: a stored event, where its review stands, its live claim and its newest verdict. */
public record ReviewItem(
        StoredEvent event, ReviewState state, Optional<ReviewClaim> claim, Optional<StoredVerdict> latestVerdict) {}
