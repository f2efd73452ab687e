package io.elasticmesh.router.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The request path must survive an unreachable Kafka (the test profile points at a port nothing listens on). */
@QuarkusTest
class AuditPublisherTests {

    @Inject
    AuditPublisher publisher;

    @Inject
    MeterRegistry metrics;

    @Test
    void eventsAreSpooledWithinTheBoundWhileKafkaIsUnreachable() {
        double backlogBefore = metrics.get("elastic.audit.spool.depth").gauge().value();
        int events = 2_000;
        long[] nanos = new long[events];
        for (int i = 0; i < events; i++) {
            AuditEvent event = AuditEvent.newBuilder()
                    .setEventId("e" + i)
                    .setTenant("t")
                    .setResponse(ReasonResponse.newBuilder().setRequestId("r" + i))
                    .build();
            long start = System.nanoTime();
            publisher.publish(event);
            nanos[i] = System.nanoTime() - start;
        }

        Arrays.sort(nanos);
        Duration p50 = Duration.ofNanos(nanos[events / 2]);
        Duration p99 = Duration.ofNanos(nanos[events * 99 / 100]);
        System.out.printf(
                "audit publish (fsynced spool append) p50=%d us p99=%d us max=%d us%n",
                p50.toNanos() / 1000, p99.toNanos() / 1000, nanos[events - 1] / 1000);
        // router.audit.max-block is 50 ms; scheduling on a busy machine may add a little.
        assertThat(Duration.ofNanos(nanos[events - 1])).isLessThan(Duration.ofMillis(500));
        // Every event is on disk, none delivered: Kafka is unreachable.
        assertThat(metrics.get("elastic.audit.spool.depth").gauge().value()).isEqualTo(backlogBefore + events);
    }

    @Test
    void aDrainThatKafkaDoesNotAnswerEndsAtItsTimeoutAndKeepsEveryEvent() throws InterruptedException {
        publisher.publish(AuditEvent.newBuilder()
                .setEventId("drained")
                .setTenant("t")
                .setResponse(ReasonResponse.newBuilder().setRequestId("r-drained"))
                .build());
        double backlog = metrics.get("elastic.audit.spool.depth").gauge().value();

        long left = publisher.drain(Duration.ofMillis(200));

        assertThat(left).isPositive().isEqualTo((long) backlog);
        assertThat(metrics.get("elastic.audit.spool.depth").gauge().value()).isEqualTo(backlog);
    }
}
