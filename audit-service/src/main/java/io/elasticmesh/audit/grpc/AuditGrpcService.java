package io.elasticmesh.audit.grpc;

import io.elasticmesh.audit.EventFilter;
import io.elasticmesh.audit.EventPage;
import io.elasticmesh.audit.StoredEvent;
import io.elasticmesh.audit.mapping.AuditEventMapper;
import io.elasticmesh.audit.mapping.PageToken;
import io.elasticmesh.audit.mapping.ReviewMapper;
import io.elasticmesh.audit.service.AuditQueries;
import io.elasticmesh.edge.Echo;
import io.elasticmesh.edge.ErrorPolicy;
import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.edge.Limits;
import io.elasticmesh.identity.Principal;
import io.elasticmesh.identity.Principals;
import io.elasticmesh.proto.audit.v1.AuditService;
import io.elasticmesh.proto.audit.v1.GetAuditEventRequest;
import io.elasticmesh.proto.audit.v1.GetAuditEventResponse;
import io.elasticmesh.proto.audit.v1.GetContinuationRequest;
import io.elasticmesh.proto.audit.v1.GetContinuationResponse;
import io.elasticmesh.proto.audit.v1.ListAuditEventsRequest;
import io.elasticmesh.proto.audit.v1.ListAuditEventsResponse;
import io.elasticmesh.proto.audit.v1.VerifyAuditChainRequest;
import io.elasticmesh.proto.audit.v1.VerifyAuditChainResponse;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The compliance API; the caller's principal is read here, where the call's context is, and passed on. Every call is
 * recorded in the query log by {@link TenantAuthentication}, whatever its outcome.
 */
@GrpcService
@Blocking
public class AuditGrpcService implements AuditService {

    private static final int DEFAULT_PAGE_SIZE = 50;
    private static final int MAX_PAGE_SIZE = 500;
    /** Page tokens this service issues are far shorter. */
    private static final int MAX_PAGE_TOKEN_CHARS = 1024;

    private final AuditQueries queries;

    public AuditGrpcService(AuditQueries queries) {
        this.queries = queries;
    }

    @Override
    public Uni<GetAuditEventResponse> getAuditEvent(GetAuditEventRequest request) {
        return byRequestId(request.getRequestId(), queries::find, AuditEventMapper::toResponse);
    }

    @Override
    public Uni<GetContinuationResponse> getContinuation(GetContinuationRequest request) {
        return byRequestId(request.getRequestId(), queries::findToContinue, AuditEventMapper::toContinuation);
    }

    /** One stored event by request id, as {@code find} lets the caller see it. */
    private static <T> Uni<T> byRequestId(
            String requestId,
            BiFunction<Principal, String, Optional<StoredEvent>> find,
            Function<StoredEvent, T> reply) {
        Principal caller = Principals.current();
        return Uni.createFrom()
                .item(() -> {
                    if (Limits.name("request_id", requestId).isBlank()) {
                        throw invalid("request_id must be set");
                    }
                    return find.apply(caller, requestId).map(reply).orElseThrow(() -> notFound(requestId));
                })
                .onFailure()
                .transform(ErrorPolicy::toStatus);
    }

    private static RuntimeException notFound(String requestId) {
        return Status.NOT_FOUND
                .withDescription("no audit event for request '" + Echo.bounded(requestId)
                        + "' (a tier that audits cut requests only keeps none for a request whose thinking was not "
                        + "cut; an event reaches the store within seconds of the answer)")
                .asRuntimeException();
    }

    @Override
    public Uni<ListAuditEventsResponse> listAuditEvents(ListAuditEventsRequest request) {
        Principal caller = Principals.current();
        return Uni.createFrom()
                .item(() -> {
                    // uint32: Java reads values above 2^31 - 1 as negative.
                    long pageSize = Integer.toUnsignedLong(request.getPageSize());
                    if (pageSize > MAX_PAGE_SIZE) {
                        throw invalid("page_size must be between 1 and " + MAX_PAGE_SIZE + " (0 for "
                                + DEFAULT_PAGE_SIZE + "), was " + pageSize);
                    }
                    Limits.name("tenant", request.getTenant());
                    Limits.name("tier", request.getTier());
                    Limits.name("model", request.getModel());
                    Limits.name("request_id", request.getRequestId());
                    Limits.name("trace_id", request.getTraceId());
                    InvalidArgument.requireMaxLength("page_token", request.getPageToken(), MAX_PAGE_TOKEN_CHARS);
                    EventFilter filter;
                    long beforeSeq;
                    try {
                        filter = AuditEventMapper.toFilter(request);
                        beforeSeq = PageToken.decode(request.getPageToken(), filter);
                    } catch (IllegalArgumentException e) {
                        throw invalid(e.getMessage());
                    }
                    EventPage page = queries.list(
                            caller,
                            filter,
                            beforeSeq,
                            request.getPageSize() == 0 ? DEFAULT_PAGE_SIZE : request.getPageSize());
                    ListAuditEventsResponse.Builder response = ListAuditEventsResponse.newBuilder();
                    page.events().forEach(e -> response.addEvents(AuditEventMapper.parse(e.payload())));
                    page.nextBeforeSeq().ifPresent(seq -> response.setNextPageToken(PageToken.encode(seq, filter)));
                    return response.build();
                })
                // Domain refusals answered here, as ReviewGrpcService#answered explains: not by the handler Quarkus
                // keeps from the first application of a test JVM.
                .onFailure()
                .transform(ErrorPolicy::toStatus);
    }

    @Override
    public Uni<VerifyAuditChainResponse> verifyAuditChain(VerifyAuditChainRequest request) {
        Principal caller = Principals.current();
        return Uni.createFrom()
                .item(() -> {
                    if (Limits.name("tenant", request.getTenant()).isBlank()) {
                        throw invalid("tenant must be set");
                    }
                    return AuditEventMapper.toResponse(queries.verify(
                            caller, request.getTenant(), AuditEventMapper::toRecord, ReviewMapper::toVerdictRecord));
                })
                .onFailure()
                .transform(ErrorPolicy::toStatus);
    }

    private static RuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }
}
