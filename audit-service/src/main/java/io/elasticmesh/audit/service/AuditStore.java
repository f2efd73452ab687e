package io.elasticmesh.audit.service;

import io.elasticmesh.proto.audit.v1.ThinkingTruncated;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Audit events by request id. A request has at most one event, so the first copy wins and a redelivered record is
 * kept once. Held in memory: Kafka stays the durable copy until the PostgreSQL store replaces this.
 */
@ApplicationScoped
public class AuditStore {

    private final Map<String, ThinkingTruncated> byRequestId = new ConcurrentHashMap<>();

    /** @return true when the event was new */
    public boolean keep(ThinkingTruncated event) {
        ThinkingTruncated previous = byRequestId.putIfAbsent(event.getRequestId(), event);
        return previous == null;
    }

    public Optional<ThinkingTruncated> findByRequestId(String requestId) {
        return Optional.ofNullable(byRequestId.get(requestId));
    }
}
