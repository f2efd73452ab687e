package io.elasticmesh.audit;

import java.util.List;
import java.util.OptionalLong;

/** A page of the review queue; {@code nextSeq} (the last item's store sequence number) is set when more match. */
public record ReviewPage(List<ReviewItem> items, OptionalLong nextSeq, ReviewCounts counts) {}
