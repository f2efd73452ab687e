package io.elasticmesh.router.grpc;

import io.elasticmesh.proto.reasoning.v1.GetConfigStatusRequest;
import io.elasticmesh.proto.reasoning.v1.GetConfigStatusResponse;
import io.elasticmesh.proto.reasoning.v1.ListTenantsRequest;
import io.elasticmesh.proto.reasoning.v1.ListTenantsResponse;
import io.elasticmesh.proto.reasoning.v1.ListTiersRequest;
import io.elasticmesh.proto.reasoning.v1.ListTiersResponse;
import io.elasticmesh.proto.reasoning.v1.RouterAdmin;
import io.elasticmesh.router.config.RouterConfig;
import io.elasticmesh.router.config.TierTableStore;
import io.elasticmesh.router.mapping.AdminMapper;
import io.elasticmesh.router.metrics.RouterMetrics;
import io.elasticmesh.router.service.Admission;
import io.elasticmesh.router.service.TierTable;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

@GrpcService
public class RouterAdminGrpcService implements RouterAdmin {

    private final TierTableStore store;
    private final Admission admission;
    private final RouterMetrics metrics;
    private final RouterConfig config;

    public RouterAdminGrpcService(TierTableStore store, Admission admission, RouterMetrics metrics,
            RouterConfig config) {
        this.store = store;
        this.admission = admission;
        this.metrics = metrics;
        this.config = config;
    }

    @Override
    public Uni<ListTiersResponse> listTiers(ListTiersRequest request) {
        TierTable table = store.current();
        return Uni.createFrom().item(AdminMapper.toTiers(table, admission.queue()));
    }

    @Override
    public Uni<ListTenantsResponse> listTenants(ListTenantsRequest request) {
        TierTable table = store.current();
        return Uni.createFrom().item(AdminMapper.toTenants(table, admission::remainingQuota));
    }

    @Override
    public Uni<GetConfigStatusResponse> getConfigStatus(GetConfigStatusRequest request) {
        return Uni.createFrom().item(AdminMapper.toStatus(config.tiersFile().toString(), store.status(),
                metrics.configReloadFailures()));
    }
}
