package io.elasticmesh.audit.mapping;

import static io.elasticmesh.audit.mapping.AuditEventMapper.toInstant;
import static io.elasticmesh.audit.mapping.AuditEventMapper.toTimestamp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.elasticmesh.audit.ReviewClaim;
import io.elasticmesh.audit.ReviewCounts;
import io.elasticmesh.audit.ReviewFilter;
import io.elasticmesh.audit.ReviewHistory;
import io.elasticmesh.audit.ReviewItem;
import io.elasticmesh.audit.ReviewState;
import io.elasticmesh.audit.Rubric;
import io.elasticmesh.audit.StoredVerdict;
import io.elasticmesh.audit.VerdictRecord;
import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.edge.Limits;
import io.elasticmesh.proto.audit.v1.ChainLink;
import io.elasticmesh.proto.audit.v1.ExportAuditEventsRequest;
import io.elasticmesh.proto.audit.v1.GetReviewHistoryResponse;
import io.elasticmesh.proto.audit.v1.ListReviewQueueRequest;
import io.elasticmesh.proto.audit.v1.RecordedVerdict;
import io.elasticmesh.proto.audit.v1.ReviewVerdict;
import io.elasticmesh.proto.audit.v1.RubricValue;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import java.time.Instant;
import java.util.Optional;

/** Proto ↔ domain for the review workflow: verdicts as hashed, queue filters, items and history. */
public final class ReviewMapper {

    private ReviewMapper() {}

    /** A new verdict and the bytes its link will cover. */
    public static VerdictRecord newVerdict(
            String verdictId,
            String tenant,
            String eventId,
            String requestId,
            String reviewer,
            Rubric.Value value,
            String comment,
            Instant recordedAt) {
        byte[] payload = ReviewVerdict.newBuilder()
                .setVerdictId(verdictId)
                .setTenant(tenant)
                .setEventId(eventId)
                .setRequestId(requestId)
                .setReviewer(reviewer)
                .setVerdict(value.name())
                .setEscalates(value.escalates())
                .setComment(comment)
                .setRecordedAt(toTimestamp(recordedAt))
                .build()
                .toByteArray();
        return toVerdictRecord(payload);
    }

    /**
     * The columns a stored verdict's payload implies.
     *
     * @throws IllegalArgumentException when the bytes are not a ReviewVerdict
     */
    public static VerdictRecord toVerdictRecord(byte[] payload) {
        ReviewVerdict v;
        try {
            v = ReviewVerdict.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an elastic.audit.v1.ReviewVerdict: " + e.getMessage(), e);
        }
        return new VerdictRecord(
                v.getVerdictId(),
                v.getTenant(),
                v.getEventId(),
                v.getRequestId(),
                v.getReviewer(),
                v.getVerdict(),
                v.getEscalates(),
                v.getComment(),
                toInstant(v.getRecordedAt()),
                payload);
    }

    /** Queue pages hold at most this many items. */
    public static final int MAX_PAGE_SIZE = 500;
    /** Page tokens this service issues are far shorter. */
    private static final int MAX_PAGE_TOKEN_CHARS = 1024;

    /** A checked queue listing: its filters, where its page starts and how long it is. */
    public record QueueQuery(ReviewFilter filter, long afterSeq, int pageSize) {}

    /**
     * The one reading of a queue listing, for the gRPC API and the console alike.
     *
     * @param defaultPageSize for a page size of 0
     * @throws InvalidArgument naming the field that is out of range
     */
    public static QueueQuery toQuery(ListReviewQueueRequest request, int defaultPageSize) {
        long pageSize = Integer.toUnsignedLong(request.getPageSize());
        if (pageSize > MAX_PAGE_SIZE) {
            throw new InvalidArgument(
                    "page_size",
                    "must be between 1 and " + MAX_PAGE_SIZE + " (0 for " + defaultPageSize + "), was " + pageSize);
        }
        Limits.name("tenant", request.getTenant());
        Limits.name("tier", request.getTier());
        Limits.name("model", request.getModel());
        InvalidArgument.requireMaxLength("page_token", request.getPageToken(), MAX_PAGE_TOKEN_CHARS);
        ReviewFilter filter = toFilter(request);
        long afterSeq;
        try {
            afterSeq = PageToken.decode(request.getPageToken(), filter);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgument("page_token", e.getMessage().substring("page_token ".length()));
        }
        return new QueueQuery(filter, afterSeq, pageSize == 0 ? defaultPageSize : (int) pageSize);
    }

    /** @throws InvalidArgument naming the field that is out of range */
    public static ReviewFilter toFilter(ListReviewQueueRequest request) {
        if (request.getState() == io.elasticmesh.proto.audit.v1.ReviewState.UNRECOGNIZED) {
            throw new InvalidArgument("state", "must be a known ReviewState, was " + request.getStateValue());
        }
        return filter(
                request.getTenant(),
                request.getTier(),
                request.getModel(),
                request.getTruncationReason(),
                request.getTruncationReasonValue(),
                request.hasOccurredFrom() ? request.getOccurredFrom() : null,
                request.hasOccurredTo() ? request.getOccurredTo() : null,
                false,
                request.getRequiredOnly(),
                request.getState() == io.elasticmesh.proto.audit.v1.ReviewState.REVIEW_STATE_UNSPECIFIED
                        ? Optional.empty()
                        : Optional.of(
                                ReviewState.valueOf(request.getState().name().substring("REVIEW_STATE_".length()))),
                request.getOldestFirst());
    }

    /** Exports are oldest first, every state. */
    public static ReviewFilter toFilter(ExportAuditEventsRequest request) {
        return filter(
                request.getTenant(),
                request.getTier(),
                request.getModel(),
                TruncationReason.TRUNCATION_REASON_UNSPECIFIED,
                0,
                request.hasOccurredFrom() ? request.getOccurredFrom() : null,
                request.hasOccurredTo() ? request.getOccurredTo() : null,
                request.getCutOnly(),
                request.getRequiredOnly(),
                Optional.empty(),
                true);
    }

    private static ReviewFilter filter(
            String tenant,
            String tier,
            String model,
            TruncationReason reason,
            int reasonValue,
            com.google.protobuf.Timestamp from,
            com.google.protobuf.Timestamp to,
            boolean cutOnly,
            boolean requiredOnly,
            Optional<ReviewState> state,
            boolean oldestFirst) {
        if (reason == TruncationReason.UNRECOGNIZED) {
            throw new InvalidArgument("truncation_reason", reasonValue + " is not a known TruncationReason");
        }
        Instant fromInstant = instant("occurred_from", from);
        Instant toInstant = instant("occurred_to", to);
        if (fromInstant != null && toInstant != null && !fromInstant.isBefore(toInstant)) {
            throw new InvalidArgument(
                    "occurred_from", "(" + fromInstant + ") must be before occurred_to (" + toInstant + ")");
        }
        return new ReviewFilter(
                tenant,
                tier,
                model,
                reason == TruncationReason.TRUNCATION_REASON_UNSPECIFIED ? "" : reason.name(),
                fromInstant,
                toInstant,
                cutOnly,
                requiredOnly,
                state,
                oldestFirst);
    }

    private static Instant instant(String field, com.google.protobuf.Timestamp timestamp) {
        try {
            return timestamp == null ? null : AuditEventMapper.toInstant(field, timestamp);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgument(field, e.getMessage().substring(field.length() + 1));
        }
    }

    public static io.elasticmesh.proto.audit.v1.ReviewState toProto(ReviewState state) {
        return io.elasticmesh.proto.audit.v1.ReviewState.valueOf("REVIEW_STATE_" + state.name());
    }

    public static io.elasticmesh.proto.audit.v1.ReviewClaim toProto(ReviewClaim claim) {
        return io.elasticmesh.proto.audit.v1.ReviewClaim.newBuilder()
                .setReviewer(claim.reviewer())
                .setClaimedAt(toTimestamp(claim.claimedAt()))
                .setExpiresAt(toTimestamp(claim.expiresAt()))
                .build();
    }

    public static RecordedVerdict toProto(StoredVerdict stored) {
        try {
            return RecordedVerdict.newBuilder()
                    .setVerdict(ReviewVerdict.parseFrom(stored.verdict().payload()))
                    .setLink(ChainLink.newBuilder()
                            .setPosition(stored.position())
                            .setPrevHash(stored.prevHash())
                            .setHash(stored.hash())
                            .setStoredAt(toTimestamp(stored.verdict().recordedAt())))
                    .build();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored verdict " + stored.verdict().verdictId() + " is unreadable", e);
        }
    }

    public static io.elasticmesh.proto.audit.v1.ReviewItem toProto(ReviewItem item) {
        var stored = AuditEventMapper.toResponse(item.event());
        var proto = io.elasticmesh.proto.audit.v1.ReviewItem.newBuilder()
                .setEvent(stored.getEvent())
                .setLink(stored.getLink())
                .setState(toProto(item.state()));
        item.claim().ifPresent(claim -> proto.setClaim(toProto(claim)));
        item.latestVerdict().ifPresent(verdict -> proto.setLatestVerdict(toProto(verdict)));
        return proto.build();
    }

    public static io.elasticmesh.proto.audit.v1.ReviewCounts toProto(ReviewCounts counts) {
        return io.elasticmesh.proto.audit.v1.ReviewCounts.newBuilder()
                .setUnreviewed(counts.unreviewed())
                .setClaimed(counts.claimed())
                .setReviewed(counts.reviewed())
                .setEscalated(counts.escalated())
                .build();
    }

    public static GetReviewHistoryResponse toProto(ReviewHistory history, Rubric rubric) {
        var response = GetReviewHistoryResponse.newBuilder().setState(toProto(history.state()));
        history.claim().ifPresent(claim -> response.setClaim(toProto(claim)));
        history.verdicts().forEach(v -> response.addVerdicts(toProto(v)));
        history.continuations().forEach(c -> response.addContinuationRequestIds(c.requestId()));
        rubric.values()
                .forEach(v -> response.addRubric(RubricValue.newBuilder()
                        .setName(v.name())
                        .setDescription(v.description())
                        .setEscalates(v.escalates())));
        return response.build();
    }
}
