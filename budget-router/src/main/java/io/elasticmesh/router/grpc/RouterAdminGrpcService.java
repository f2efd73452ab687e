package io.elasticmesh.router.grpc;

import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.identity.Authorization;
import io.elasticmesh.identity.Principal;
import io.elasticmesh.proto.reasoning.v1.GetConfigStatusRequest;
import io.elasticmesh.proto.reasoning.v1.GetConfigStatusResponse;
import io.elasticmesh.proto.reasoning.v1.ListQuarantinedAuditEventsRequest;
import io.elasticmesh.proto.reasoning.v1.ListQuarantinedAuditEventsResponse;
import io.elasticmesh.proto.reasoning.v1.ListTenantsRequest;
import io.elasticmesh.proto.reasoning.v1.ListTenantsResponse;
import io.elasticmesh.proto.reasoning.v1.ListTiersRequest;
import io.elasticmesh.proto.reasoning.v1.ListTiersResponse;
import io.elasticmesh.proto.reasoning.v1.ReplayQuarantinedAuditEventRequest;
import io.elasticmesh.proto.reasoning.v1.ReplayQuarantinedAuditEventResponse;
import io.elasticmesh.proto.reasoning.v1.RouterAdmin;
import io.elasticmesh.router.config.RouterConfig;
import io.elasticmesh.router.config.TierTableStore;
import io.elasticmesh.router.mapping.AdminMapper;
import io.elasticmesh.router.metrics.RouterMetrics;
import io.elasticmesh.router.outbox.AuditPublisher;
import io.elasticmesh.router.service.Admission;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Operators' view of the tiers, tenants and tier file in force, and the audit events this replica quarantined;
 * principals need the admin role.
 */
@GrpcService
public class RouterAdminGrpcService implements RouterAdmin {

    private final TierTableStore store;
    private final Admission admission;
    private final RouterMetrics metrics;
    private final RouterConfig config;
    private final AuditPublisher audit;

    public RouterAdminGrpcService(
            TierTableStore store,
            Admission admission,
            RouterMetrics metrics,
            RouterConfig config,
            AuditPublisher audit) {
        this.store = store;
        this.admission = admission;
        this.metrics = metrics;
        this.config = config;
        this.audit = audit;
    }

    @Override
    public Uni<ListTiersResponse> listTiers(ListTiersRequest request) {
        return asAdmin(() -> AdminMapper.toTiers(store.current(), admission.queue()));
    }

    @Override
    public Uni<ListTenantsResponse> listTenants(ListTenantsRequest request) {
        return asAdmin(() -> AdminMapper.toTenants(store.current(), admission::remainingQuota));
    }

    @Override
    public Uni<GetConfigStatusResponse> getConfigStatus(GetConfigStatusRequest request) {
        return asAdmin(() ->
                AdminMapper.toStatus(config.tiersFile().toString(), store.status(), metrics.configReloadFailures()));
    }

    @Override
    @Blocking
    public Uni<ListQuarantinedAuditEventsResponse> listQuarantinedAuditEvents(
            ListQuarantinedAuditEventsRequest request) {
        return asAdmin(() -> AdminMapper.toQuarantined(audit.quarantined()));
    }

    @Override
    @Blocking
    public Uni<ReplayQuarantinedAuditEventResponse> replayQuarantinedAuditEvent(
            ReplayQuarantinedAuditEventRequest request) {
        return asAdmin(() -> {
            if (request.getSpoolSequence() < 1) {
                throw new InvalidArgument(
                        "spool_sequence",
                        "must be at least 1, was " + Long.toUnsignedString(request.getSpoolSequence()));
            }
            try {
                return ReplayQuarantinedAuditEventResponse.newBuilder()
                        .setNewSpoolSequence(audit.replay(request.getSpoolSequence()))
                        .build();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while replaying", e);
            }
        });
    }

    /** Answers principals with the admin role (everyone when authentication is off), PERMISSION_DENIED others. */
    private static <T> Uni<T> asAdmin(Supplier<T> reply) {
        Optional<Principal> caller = Callers.principal();
        return Uni.createFrom().item(() -> {
            caller.ifPresent(p -> Authorization.requireRole(p, Callers.ADMIN_ROLE));
            return reply.get();
        });
    }
}
