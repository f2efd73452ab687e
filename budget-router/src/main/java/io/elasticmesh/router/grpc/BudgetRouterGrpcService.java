package io.elasticmesh.router.grpc;

import io.elasticmesh.proto.reasoning.v1.BudgetRouter;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.router.config.RouterConfig;
import io.elasticmesh.router.mapping.ReasonMapper;
import io.elasticmesh.router.mapping.RouterErrors;
import io.elasticmesh.router.service.ReasoningService;
import io.grpc.Context;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

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
        return Uni.createFrom()
                .deferred(() -> reasoning.reason(ReasonMapper.toCommand(request, config.defaultTenant()),
                        Context.current().getDeadline()))
                .map(ReasonMapper::toResponse)
                .onFailure().transform(RouterErrors::toStatus);
    }
}
