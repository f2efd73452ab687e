package io.elasticmesh.router.client;

import io.elasticmesh.edge.DomainException;
import io.elasticmesh.edge.Echo;
import io.elasticmesh.identity.AuthenticationInterceptor;
import io.elasticmesh.proto.audit.v1.GetContinuationRequest;
import io.elasticmesh.proto.audit.v1.MutinyAuditServiceGrpc.MutinyAuditServiceStub;
import io.elasticmesh.router.EarlierRequest;
import io.elasticmesh.router.config.RouterConfig;
import io.elasticmesh.router.mapping.ContinuationMapper;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * audit-service ({@code quarkus.grpc.clients.audit.*}), read for a request this router does not hold, as the
 * router's own principal (router.continuation.audit-api-key, role {@code continuation}). A read, so one deadline
 * and no retry here: the caller of ContinueReasoning retries an UNAVAILABLE.
 */
@ApplicationScoped
public class AuditClient {

    private static final Logger LOG = Logger.getLogger(AuditClient.class);

    private final MutinyAuditServiceStub stub;
    private final Duration timeout;

    @Inject
    public AuditClient(@GrpcClient("audit") MutinyAuditServiceStub stub, RouterConfig config) {
        this(
                stub,
                config.continuation().auditTimeout(),
                config.continuation().auditApiKey().orElse(""));
    }

    /** @param apiKey sent as x-api-key; empty sends none */
    public AuditClient(MutinyAuditServiceStub stub, Duration timeout, String apiKey) {
        Metadata headers = new Metadata();
        if (!apiKey.isEmpty()) {
            headers.put(AuthenticationInterceptor.API_KEY, apiKey);
        }
        this.stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        this.timeout = timeout;
    }

    /**
     * The request as audited, for continuation.
     *
     * @param callerDeadline the caller's deadline, or null; the earlier of it and router.continuation.audit-timeout
     *     applies
     * @throws DomainException NOT_FOUND when audit-service has no event for it; UNAVAILABLE when audit-service cannot
     *     be reached in time or refuses the router's credentials
     */
    public Uni<EarlierRequest> earlier(String requestId, Deadline callerDeadline) {
        Deadline own = Deadline.after(timeout.toNanos(), TimeUnit.NANOSECONDS);
        Deadline deadline = callerDeadline != null && callerDeadline.isBefore(own) ? callerDeadline : own;
        return stub.withDeadline(deadline)
                .getContinuation(GetContinuationRequest.newBuilder()
                        .setRequestId(requestId)
                        .build())
                .map(response -> ContinuationMapper.toEarlier(requestId, response))
                .onFailure()
                .transform(f -> refusal(requestId, f));
    }

    private static Throwable refusal(String requestId, Throwable failure) {
        Status status = Status.fromThrowable(failure);
        String cause = status.getCode() + ": " + Echo.bounded(String.valueOf(status.getDescription()));
        return switch (status.getCode()) {
            case NOT_FOUND ->
                new DomainException(
                        Status.Code.NOT_FOUND,
                        "request '" + Echo.bounded(requestId) + "' cannot be continued: this router does not hold it "
                                + "and the audit store has no event for it. It is unknown, was not audited (a tier "
                                + "that audits cut requests only keeps none for a request whose thinking was not cut), "
                                + "was removed by retention, or was answered moments ago and is not stored yet (retry "
                                + "in a few seconds)");
            case UNAVAILABLE, DEADLINE_EXCEEDED ->
                new DomainException(
                        Status.Code.UNAVAILABLE,
                        "request '" + Echo.bounded(requestId) + "' is not held by this router and audit-service, "
                                + "which keeps it, cannot be reached (" + cause + "); retry later");
            case UNAUTHENTICATED, PERMISSION_DENIED -> {
                LOG.errorf(
                        "audit-service refused the router's credentials (%s): set router.continuation.audit-api-key"
                                + " to the key of a principal with role 'continuation' in audit-service's principals",
                        cause);
                yield new DomainException(
                        Status.Code.UNAVAILABLE,
                        "request '" + Echo.bounded(requestId) + "' is not held by this router and audit-service, "
                                + "which keeps it, refused the router's credentials (the router's log says more); "
                                + "retry later");
            }
            default -> failure;
        };
    }
}
