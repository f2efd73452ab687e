package io.elasticmesh.audit.grpc;

import io.elasticmesh.audit.service.AuditStore;
import io.elasticmesh.proto.audit.v1.AuditService;
import io.elasticmesh.proto.audit.v1.GetAuditEventRequest;
import io.elasticmesh.proto.audit.v1.GetAuditEventResponse;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

@GrpcService
public class AuditGrpcService implements AuditService {

    private final AuditStore store;

    public AuditGrpcService(AuditStore store) {
        this.store = store;
    }

    @Override
    public Uni<GetAuditEventResponse> getAuditEvent(GetAuditEventRequest request) {
        return Uni.createFrom().item(() -> {
            if (request.getRequestId().isBlank()) {
                throw Status.INVALID_ARGUMENT.withDescription("request_id must be set").asRuntimeException();
            }
            return store.findByRequestId(request.getRequestId())
                    .map(event -> GetAuditEventResponse.newBuilder().setEvent(event).build())
                    .orElseThrow(() -> Status.NOT_FOUND.withDescription("no audit event for request '"
                            + request.getRequestId() + "' (only requests whose thinking was cut are audited)")
                            .asRuntimeException());
        });
    }
}
