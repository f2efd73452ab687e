package io.elasticmesh.audit.grpc;

import io.elasticmesh.audit.ReviewFilter;
import io.elasticmesh.audit.ReviewPage;
import io.elasticmesh.audit.mapping.PageToken;
import io.elasticmesh.audit.mapping.ReviewMapper;
import io.elasticmesh.audit.service.Reviews;
import io.elasticmesh.auditchain.ExportLines;
import io.elasticmesh.edge.ErrorPolicy;
import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.edge.Limits;
import io.elasticmesh.identity.Principal;
import io.elasticmesh.identity.Principals;
import io.elasticmesh.proto.audit.v1.ClaimReviewItemRequest;
import io.elasticmesh.proto.audit.v1.ClaimReviewItemResponse;
import io.elasticmesh.proto.audit.v1.ExportAuditEventsRequest;
import io.elasticmesh.proto.audit.v1.ExportAuditEventsResponse;
import io.elasticmesh.proto.audit.v1.ExportFormat;
import io.elasticmesh.proto.audit.v1.GetReviewHistoryRequest;
import io.elasticmesh.proto.audit.v1.GetReviewHistoryResponse;
import io.elasticmesh.proto.audit.v1.ListReviewQueueRequest;
import io.elasticmesh.proto.audit.v1.ListReviewQueueResponse;
import io.elasticmesh.proto.audit.v1.RecordVerdictRequest;
import io.elasticmesh.proto.audit.v1.RecordVerdictResponse;
import io.elasticmesh.proto.audit.v1.ReleaseReviewClaimRequest;
import io.elasticmesh.proto.audit.v1.ReleaseReviewClaimResponse;
import io.elasticmesh.proto.audit.v1.ReviewService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.concurrent.CancellationException;

/** The review API over {@link Reviews}; every call is recorded in the query log by {@link TenantAuthentication}. */
@GrpcService
@Blocking
public class ReviewGrpcService implements ReviewService {

    private static final int DEFAULT_PAGE_SIZE = 50;

    private final Reviews reviews;

    public ReviewGrpcService(Reviews reviews) {
        this.reviews = reviews;
    }

    @Override
    public Uni<ListReviewQueueResponse> listReviewQueue(ListReviewQueueRequest request) {
        Principal caller = Principals.current();
        return answered(() -> {
            ReviewMapper.QueueQuery query = ReviewMapper.toQuery(request, DEFAULT_PAGE_SIZE);
            ReviewFilter filter = query.filter();
            ReviewPage page = reviews.queue(caller, filter, query.afterSeq(), query.pageSize());
            ListReviewQueueResponse.Builder response =
                    ListReviewQueueResponse.newBuilder().setCounts(ReviewMapper.toProto(page.counts()));
            page.items().forEach(item -> response.addItems(ReviewMapper.toProto(item)));
            page.nextSeq().ifPresent(seq -> response.setNextPageToken(PageToken.encode(seq, filter)));
            return response.build();
        });
    }

    @Override
    public Uni<ClaimReviewItemResponse> claimReviewItem(ClaimReviewItemRequest request) {
        Principal caller = Principals.current();
        return answered(() -> ClaimReviewItemResponse.newBuilder()
                .setClaim(ReviewMapper.toProto(reviews.claim(caller, requestId(request.getRequestId()))))
                .build());
    }

    @Override
    public Uni<ReleaseReviewClaimResponse> releaseReviewClaim(ReleaseReviewClaimRequest request) {
        Principal caller = Principals.current();
        return answered(() -> {
            reviews.release(caller, requestId(request.getRequestId()));
            return ReleaseReviewClaimResponse.getDefaultInstance();
        });
    }

    @Override
    public Uni<RecordVerdictResponse> recordVerdict(RecordVerdictRequest request) {
        Principal caller = Principals.current();
        return answered(() -> RecordVerdictResponse.newBuilder()
                .setRecorded(ReviewMapper.toProto(reviews.record(
                        caller, requestId(request.getRequestId()), request.getVerdict(), request.getComment())))
                .build());
    }

    @Override
    public Uni<GetReviewHistoryResponse> getReviewHistory(GetReviewHistoryRequest request) {
        Principal caller = Principals.current();
        return answered(() ->
                ReviewMapper.toProto(reviews.history(caller, requestId(request.getRequestId())), reviews.rubric()));
    }

    @Override
    public Multi<ExportAuditEventsResponse> exportAuditEvents(ExportAuditEventsRequest request) {
        Principal caller = Principals.current();
        return Multi.createFrom()
                .<ExportAuditEventsResponse>emitter(out -> {
                    names(request.getTenant(), request.getTier(), request.getModel());
                    if (request.getFormat() == ExportFormat.UNRECOGNIZED) {
                        throw new InvalidArgument(
                                "format", "must be a known ExportFormat, was " + request.getFormatValue());
                    }
                    boolean csv = request.getFormat() == ExportFormat.EXPORT_FORMAT_CSV;
                    ReviewFilter filter = ReviewMapper.toFilter(request);
                    if (csv) {
                        out.emit(line(ExportLines.csvHeader()));
                    }
                    reviews.export(caller, filter, row -> {
                        if (out.isCancelled()) {
                            // The caller went away: stop reading the database.
                            throw new CancellationException("export cancelled by the caller");
                        }
                        out.emit(line(csv ? ExportLines.csv(row) : ExportLines.json(row)));
                    });
                    out.complete();
                })
                // The export reads the database as it streams: off the event loop.
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure()
                .transform(ErrorPolicy::toStatus);
    }

    /**
     * The reply, with a failure answered through the one error policy here, where the domain's exceptions are this
     * application's own classes. The gRPC exception handler Quarkus installs is kept from the first application a
     * test JVM starts, so after a restart it no longer recognizes them (they would come back INTERNAL); a
     * StatusRuntimeException passes through it unchanged.
     */
    private static <T> Uni<T> answered(java.util.function.Supplier<T> reply) {
        return Uni.createFrom().item(reply).onFailure().transform(ErrorPolicy::toStatus);
    }

    private static ExportAuditEventsResponse line(String line) {
        return ExportAuditEventsResponse.newBuilder().setLine(line).build();
    }

    private static void names(String tenant, String tier, String model) {
        Limits.name("tenant", tenant);
        Limits.name("tier", tier);
        Limits.name("model", model);
    }

    private static String requestId(String requestId) {
        if (Limits.name("request_id", requestId).isBlank()) {
            throw new InvalidArgument("request_id", "must be set");
        }
        return requestId;
    }
}
