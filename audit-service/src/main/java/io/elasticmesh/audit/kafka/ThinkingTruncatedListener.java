package io.elasticmesh.audit.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.elasticmesh.audit.service.AuditStore;
import io.elasticmesh.proto.audit.v1.ThinkingTruncated;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Keeps every audit event that arrives on the topic. */
@ApplicationScoped
public class ThinkingTruncatedListener {

    private static final Logger LOG = Logger.getLogger(ThinkingTruncatedListener.class);

    private final AuditStore store;

    public ThinkingTruncatedListener(AuditStore store) {
        this.store = store;
    }

    @Incoming("thinking-truncated")
    @Blocking
    public void receive(byte[] value) throws InvalidProtocolBufferException {
        ThinkingTruncated event = ThinkingTruncated.parseFrom(value);
        if (store.keep(event)) {
            LOG.debugf("kept audit event %s of request %s", event.getEventId(), event.getRequestId());
        }
    }
}
