package io.elasticmesh.router.kafka;

import io.elasticmesh.proto.audit.v1.ThinkingTruncated;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
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

    /**
     * Hands the event to the Kafka producer without waiting; never throws. The stage completes when the broker
     * acknowledged it, and fails (after logging) when it was refused or could not be queued.
     */
    public CompletionStage<Void> publish(ThinkingTruncated event) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            send(event, acked);
        } catch (RuntimeException e) {
            // e.g. the emitter's buffer is full while Kafka is unreachable
            LOG.errorf(e, "audit event %s of request %s could not be queued", event.getEventId(),
                    event.getRequestId());
            acked.completeExceptionally(e);
        }
        return acked;
    }

    private void send(ThinkingTruncated event, CompletableFuture<Void> acked) {
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
    }
}
