package io.elasticmesh.router;

/**
 * Where an answered request goes to be audited. The orchestration hands over the domain result; how it becomes an
 * audit event and reaches the audit log is the sink's business.
 */
public interface AuditSink {

    /**
     * Called on the request's own context, so its trace can be carried along. Never fails the answer, and delays it
     * at most router.audit.max-block (see AuditPublisher).
     */
    void publish(ReasonResult result);
}
