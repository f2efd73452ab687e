package io.elasticmesh.router.grpc;

import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.edge.Limits;
import io.elasticmesh.edge.Uint32;
import io.elasticmesh.identity.Principal;
import io.elasticmesh.proto.reasoning.v1.BudgetRouter;
import io.elasticmesh.proto.reasoning.v1.ContinueReasoningRequest;
import io.elasticmesh.proto.reasoning.v1.ContinueReasoningResponse;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.StreamReasonRequest;
import io.elasticmesh.proto.reasoning.v1.StreamReasonResponse;
import io.elasticmesh.router.Continuer;
import io.elasticmesh.router.ReasonCommand;
import io.elasticmesh.router.config.RouterConfig;
import io.elasticmesh.router.mapping.ReasonMapper;
import io.elasticmesh.router.service.ReasoningService;
import io.grpc.Context;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.Optional;

@GrpcService
public class BudgetRouterGrpcService implements BudgetRouter {

    private final ReasoningService reasoning;
    private final RouterConfig config;

    public BudgetRouterGrpcService(ReasoningService reasoning, RouterConfig config) {
        this.reasoning = reasoning;
        this.config = config;
    }

    @Override
    public Uni<ReasonResponse> reason(ReasonRequest request) {
        Optional<Principal> principal = Callers.principal();
        return Uni.createFrom()
                .deferred(() -> reasoning.reason(
                        command(request, principal), Context.current().getDeadline()))
                .map(ReasonMapper::toResponse);
    }

    @Override
    public Multi<StreamReasonResponse> streamReason(StreamReasonRequest request) {
        Optional<Principal> principal = Callers.principal();
        return Multi.createFrom()
                .deferred(() -> reasoning.stream(
                        command(request.getRequest(), principal),
                        Context.current().getDeadline()))
                .map(ReasonMapper::toStreamResponse);
    }

    @Override
    public Uni<ContinueReasoningResponse> continueReasoning(ContinueReasoningRequest request) {
        Optional<Principal> principal = Callers.principal();
        return Uni.createFrom()
                .deferred(() -> {
                    if (Limits.name("request_id", request.getRequestId()).isBlank()) {
                        throw new InvalidArgument("request_id", "must be set");
                    }
                    Limits.name("tenant", request.getTenant());
                    return reasoning.continueReasoning(
                            request.getRequestId(),
                            Uint32.value(request.getExtraThinkingTokens()),
                            new Continuer(
                                    Callers.tenant(principal, request.getTenant(), config.defaultTenant()),
                                    principal
                                            .filter(p -> p.hasRole(Continuer.COMPLIANCE_ROLE))
                                            .isPresent()),
                            Context.current().getDeadline());
                })
                .map(result -> ContinueReasoningResponse.newBuilder()
                        .setReply(ReasonMapper.toResponse(result))
                        .setContinuedRequestId(request.getRequestId())
                        .build());
    }

    private ReasonCommand command(ReasonRequest request, Optional<Principal> principal) {
        Limits.name("tier", request.getTier());
        Limits.name("tenant", request.getTenant());
        return ReasonMapper.toCommand(
                request, Callers.tenant(principal, request.getTenant(), config.defaultTenant()), principal.isPresent());
    }
}
