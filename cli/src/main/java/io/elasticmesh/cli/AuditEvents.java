package io.elasticmesh.cli;

import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc.AuditServiceBlockingStub;
import io.elasticmesh.proto.audit.v1.GetAuditEventRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Reads an audit event back from audit-service once it has travelled through Kafka. */
public final class AuditEvents {

    private AuditEvents() {}

    /**
     * Polls until audit-service has the event of {@code requestId}.
     *
     * @throws StatusRuntimeException NOT_FOUND when it has not arrived within {@code timeout}, or any other status
     */
    public static AuditEvent await(AuditServiceBlockingStub audit, String requestId, Duration timeout) {
        return await(audit, requestId, timeout, Duration.ofMillis(200));
    }

    /** As {@link #await(AuditServiceBlockingStub, String, Duration)}, asking every {@code poll}. */
    public static AuditEvent await(AuditServiceBlockingStub audit, String requestId, Duration timeout, Duration poll) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return audit.withDeadlineAfter(5, TimeUnit.SECONDS)
                        .getAuditEvent(GetAuditEventRequest.newBuilder()
                                .setRequestId(requestId)
                                .build())
                        .getEvent();
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
