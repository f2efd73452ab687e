package io.elasticmesh.audit;

import java.util.List;
import java.util.Optional;

/** An item's review: its state, its live claim and every verdict recorded on it, oldest first. */
public record ReviewHistory(ReviewState state, Optional<ReviewClaim> claim, List<StoredVerdict> verdicts) {}
