package io.elasticmesh.audit.kafka;

import io.elasticmesh.audit.mapping.AuditEventMapper;
import io.elasticmesh.audit.service.AuditStore;
import io.elasticmesh.audit.service.Redactor;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Stores every audit event that arrives on the topic, redacted, in arrival order. The record's offset is committed
 * only after this returns, i.e. after the database committed; a failure to store stops the channel (readiness goes
 * DOWN) rather than skip an event, and a restart consumes from the last committed offset again. Events stored
 * twice that way are skipped by event id.
 */
@ApplicationScoped
public class AuditEventListener {

    private static final Logger LOG = Logger.getLogger(AuditEventListener.class);

    private final AuditStore store;
    private final Redactor redactor;

    public AuditEventListener(AuditStore store, Redactor redactor) {
        this.store = store;
        this.redactor = redactor;
    }

    @Incoming("audit-events")
    @Blocking(ordered = true)
    public void receive(byte[] value) {
        AuditEvent event;
        try {
            event = AuditEventMapper.parse(value);
        } catch (IllegalArgumentException e) {
            // Not an audit event: there is nothing to keep, and retrying cannot change that.
            LOG.errorf("skipped a record of %d bytes on the audit topic: %s", value.length, e.getMessage());
            return;
        }
        if (store.append(AuditEventMapper.toRecord(AuditEventMapper.redacted(event, redactor)))) {
            LOG.debugf("stored audit event %s of request %s", event.getEventId(), event.getResponse().getRequestId());
        }
    }
}
