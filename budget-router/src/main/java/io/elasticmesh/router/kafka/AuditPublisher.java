package io.elasticmesh.router.kafka;

import io.elasticmesh.proto.audit.v1.ThinkingTruncated;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/** Publishes audit events to Kafka, keyed by tenant so one tenant's events stay in order. */
@ApplicationScoped
public class AuditPublisher {

    private static final Logger LOG = Logger.getLogger(AuditPublisher.class);

    private final Emitter<byte[]> emitter;

    public AuditPublisher(@Channel("thinking-truncated") Emitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /** Completes when the broker acknowledged the event. */
    public CompletionStage<Void> publish(ThinkingTruncated event) {
        var acked = new java.util.concurrent.CompletableFuture<Void>();
        emitter.send(Message.of(event.toByteArray())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.getTenant()).build())
                .withAck(() -> {
                    acked.complete(null);
                    return acked;
                })
                .withNack(failure -> {
                    LOG.errorf(failure, "audit event %s of request %s was not delivered", event.getEventId(),
                            event.getRequestId());
                    acked.completeExceptionally(failure);
                    return acked;
                }));
        return acked;
    }
}
