package io.elasticmesh.it;

import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.audit.v1.ListAuditEventsRequest;
import io.elasticmesh.proto.audit.v1.ListAuditEventsResponse;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** The request ids audit-service stored for a tenant, read through its ListAuditEvents. */
final class StoredAudit {

    private StoredAudit() {}

    static List<String> requestIds(AuditServiceGrpc.AuditServiceBlockingStub audit, String tenant) {
        List<String> ids = new ArrayList<>();
        String token = "";
        do {
            ListAuditEventsResponse page = audit.listAuditEvents(ListAuditEventsRequest.newBuilder()
                    .setTenant(tenant)
                    .setPageSize(7)
                    .setPageToken(token)
                    .build());
            page.getEventsList().stream()
                    .map(AuditEvent::getResponse)
                    .map(ReasonResponse::getRequestId)
                    .forEach(ids::add);
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return ids;
    }

    /**
     * Waits until at least {@code count} events of {@code tenant} are stored, then returns what is stored.
     *
     * @param audit a stub with a fresh deadline, on audit-service's current channel
     */
    static List<String> await(Supplier<AuditServiceGrpc.AuditServiceBlockingStub> audit, String tenant, int count)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        List<String> stored = List.of();
        while (System.nanoTime() < deadline) {
            try {
                stored = requestIds(audit.get(), tenant);
                if (stored.size() >= count) {
                    // Anything delivered twice would arrive right behind the first copy.
                    Thread.sleep(2_000);
                    return requestIds(audit.get(), tenant);
                }
            } catch (StatusRuntimeException e) {
                // audit-service restarting
            }
            Thread.sleep(250);
        }
        throw new AssertionError("only " + stored.size() + " of " + count + " events of " + tenant + " stored");
    }
}
