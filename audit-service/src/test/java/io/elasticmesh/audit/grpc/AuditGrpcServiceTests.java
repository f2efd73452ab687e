package io.elasticmesh.audit.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.local.quarkus.KafkaTestResource;
import io.elasticmesh.proto.audit.v1.AuditService;
import io.elasticmesh.proto.audit.v1.GetAuditEventRequest;
import io.elasticmesh.proto.audit.v1.GetAuditEventResponse;
import io.elasticmesh.proto.audit.v1.ThinkingTruncated;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** audit-service fed through a real Kafka broker. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class AuditGrpcServiceTests {

    private static final String TOPIC = "elastic.audit.thinking-truncated.v1";

    @GrpcClient("audit")
    AuditService audit;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private void publish(ThinkingTruncated event) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrapServers), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, event.getTenant(), event.toByteArray())).get();
        }
    }

    private Throwable query(String requestId) {
        return audit.getAuditEvent(GetAuditEventRequest.newBuilder().setRequestId(requestId).build())
                .onItem().transform(reply -> (Throwable) null).onFailure().recoverWithItem(t -> t)
                .await().atMost(Duration.ofSeconds(10));
    }

    private GetAuditEventResponse awaitEvent(String requestId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (query(requestId) == null) {
                return audit.getAuditEvent(GetAuditEventRequest.newBuilder().setRequestId(requestId).build())
                        .await().atMost(Duration.ofSeconds(10));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no audit event for " + requestId + " after 60 s");
    }

    @Test
    void eventPublishedToKafkaIsServedByRequestId() throws Exception {
        ThinkingTruncated event = ThinkingTruncated.newBuilder().setEventId(UUID.randomUUID().toString())
                .setRequestId(UUID.randomUUID().toString()).setTenant("acme").setTier("standard")
                .setThinkingText("think1 think2 ").setThinkingTokens(2).setThinkingBudgetTokens(2)
                .setForcedDelimiters(1).build();

        publish(event);

        assertThat(awaitEvent(event.getRequestId()).getEvent()).isEqualTo(event);
    }

    @Test
    void redeliveredEventIsKeptOnce() throws Exception {
        ThinkingTruncated first = ThinkingTruncated.newBuilder().setEventId("e-1")
                .setRequestId(UUID.randomUUID().toString()).setTenant("acme").setThinkingText("first").build();
        publish(first);
        publish(first.toBuilder().setThinkingText("replayed").build());
        ThinkingTruncated marker = ThinkingTruncated.newBuilder().setEventId(UUID.randomUUID().toString())
                .setRequestId(UUID.randomUUID().toString()).setTenant("acme").build();
        publish(marker);

        // Same tenant, one partition: once the marker is in, both copies have been consumed.
        awaitEvent(marker.getRequestId());
        assertThat(awaitEvent(first.getRequestId()).getEvent().getThinkingText()).isEqualTo("first");
    }

    @Test
    void unknownRequestIsNotFound() {
        assertThat(query("no-such-request")).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void emptyRequestIdIsInvalid() {
        assertThat(query("")).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
}
