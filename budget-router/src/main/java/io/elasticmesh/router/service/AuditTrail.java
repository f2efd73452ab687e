package io.elasticmesh.router.service;

import io.elasticmesh.router.AuditSink;
import io.elasticmesh.router.ReasonResult;
import io.elasticmesh.router.mapping.AuditMapper;
import io.elasticmesh.router.outbox.AuditPublisher;
import jakarta.enterprise.context.ApplicationScoped;

/** The audit sink in production: the result as its audit event, into the durable outbox bound for Kafka. */
@ApplicationScoped
public class AuditTrail implements AuditSink {

    private final AuditPublisher publisher;

    public AuditTrail(AuditPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void publish(ReasonResult result) {
        publisher.publish(AuditMapper.toEvent(result));
    }
}
