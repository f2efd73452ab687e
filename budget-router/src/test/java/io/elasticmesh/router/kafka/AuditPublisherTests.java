package io.elasticmesh.router.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.proto.audit.v1.ThinkingTruncated;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The request path must survive an unreachable Kafka (the test profile points at a port nothing listens on). */
@QuarkusTest
class AuditPublisherTests {

    @Inject
    AuditPublisher publisher;

    @Test
    void publishingNeverThrowsOrBlocksWhenKafkaIsUnreachable() {
        List<CompletionStage<Void>> stages = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 2_000; i++) {
            stages.add(publisher.publish(ThinkingTruncated.newBuilder().setEventId("e" + i).setRequestId("r" + i)
                    .setTenant("t").build()));
        }

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        // More events than the emitter buffers: the overflow is refused at once rather than waited on.
        assertThat(stages).anySatisfy(stage -> assertThat(stage.toCompletableFuture()).isCompletedExceptionally());
        assertThat(stages).noneSatisfy(stage -> assertThat(stage.toCompletableFuture()).isCompletedWithValue(null));
    }
}
