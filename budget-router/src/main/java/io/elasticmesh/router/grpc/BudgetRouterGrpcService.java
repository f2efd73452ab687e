package io.elasticmesh.router.grpc;

import io.elasticmesh.proto.reasoning.v1.BudgetRouter;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.router.config.RouterConfig;
import io.elasticmesh.router.mapping.ReasonMapper;
import io.elasticmesh.router.mapping.RouterErrors;
import io.elasticmesh.router.service.ReasoningService;
import io.elasticmesh.identity.Principal;
import io.grpc.Context;
import io.quarkus.grpc.GrpcService;
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
                .deferred(() -> reasoning.reason(ReasonMapper.toCommand(request,
                                Callers.tenant(principal, request.getTenant(), config.defaultTenant()),
                                principal.isPresent()),
                        Context.current().getDeadline()))
                .map(ReasonMapper::toResponse)
                .onFailure().transform(RouterErrors::toStatus);
    }
}
