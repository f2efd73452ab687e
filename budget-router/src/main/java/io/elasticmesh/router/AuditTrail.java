package io.elasticmesh.router;

import io.elasticmesh.proto.audit.v1.AuditEvent;

/** Where the router hands the audit events of the requests it answered. */
public interface AuditTrail {

    /**
     * Records {@code event} durably, or logs why it could not; never throws, and delays the request path only
     * within a bound the implementation documents.
     */
    void publish(AuditEvent event);
}
