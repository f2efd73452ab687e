package io.elasticmesh.audit.client;

import io.elasticmesh.audit.config.AuditConfig;
import io.elasticmesh.edge.DomainException;
import io.elasticmesh.edge.Echo;
import io.elasticmesh.identity.AuthenticationInterceptor;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ContinueReasoningRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * budget-router ({@code quarkus.grpc.clients.router.*}), asked to continue a cut request for a reviewer ("think
 * more"). The router reads the earlier thinking from this service's GetContinuation when it does not hold it; it is
 * called as the audited request's tenant, with audit.console.router-api-key (a principal with role
 * {@code compliance} on routers that check callers). One deadline, no retry: the reviewer asks again.
 */
@ApplicationScoped
public class RouterClient {

    private final BudgetRouterGrpc.BudgetRouterBlockingStub stub;
    private final Duration timeout;

    @Inject
    public RouterClient(@GrpcClient("router") BudgetRouterGrpc.BudgetRouterBlockingStub stub, AuditConfig config) {
        Metadata headers = new Metadata();
        config.console().routerApiKey().ifPresent(key -> headers.put(AuthenticationInterceptor.API_KEY, key));
        this.stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        this.timeout = config.console().routerTimeout();
    }

    /**
     * @throws DomainException with the router's status (its message names the field), UNAVAILABLE when it cannot
     *     be reached in time
     */
    public ReasonResponse continueReasoning(String requestId, String tenant, int extraThinkingTokens) {
        try {
            return stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .continueReasoning(ContinueReasoningRequest.newBuilder()
                            .setRequestId(requestId)
                            .setTenant(tenant)
                            .setExtraThinkingTokens(extraThinkingTokens)
                            .build())
                    .getReply();
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            String said = Echo.bounded(String.valueOf(e.getStatus().getDescription()));
            if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
                throw new DomainException(
                        Status.Code.UNAVAILABLE, "budget-router did not continue the request in time: " + said);
            }
            throw new DomainException(
                    code,
                    "budget-router refused to continue the request: "
                            + e.getStatus().getDescription());
        }
    }
}
