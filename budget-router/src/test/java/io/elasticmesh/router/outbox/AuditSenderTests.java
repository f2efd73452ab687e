package io.elasticmesh.router.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One record that can never be delivered must not hold up the others, and a failure retrying may cure must not lose
 * or skip anything (against Kafka's in-process MockProducer, whose sends the test completes one by one).
 */
class AuditSenderTests {

    private static final int MAX_EVENT_BYTES = 1_000;

    @TempDir
    Path dir;

    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());

    private AuditQuarantine quarantine;
    private AuditSender sender;

    private AuditSender sender() {
        quarantine = new AuditQuarantine(dir);
        sender = new AuditSender(producer, quarantine, "audit", MAX_EVENT_BYTES, new ConcurrentHashMap<>());
        return sender;
    }

    private static AuditSpool.Entry event(long sequence, int textBytes) {
        return new AuditSpool.Entry(
                sequence,
                AuditEvent.newBuilder()
                        .setEventId("e" + sequence)
                        .setTenant("t")
                        .setResponse(ReasonResponse.newBuilder()
                                .setRequestId("r" + sequence)
                                .setThinkingText("x".repeat(textBytes)))
                        .build()
                        .toByteArray());
    }

    /**
     * Sends {@code batch} on another thread and answers the producer's sends in order with {@code answers}
     * (null: acknowledged).
     */
    private AuditSender.Pass send(List<AuditSpool.Entry> batch, RuntimeException... answers)
            throws InterruptedException, ExecutionException {
        CompletableFuture<AuditSender.Pass> pass = CompletableFuture.supplyAsync(() -> {
            try {
                return sender.send(batch);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        for (RuntimeException answer : answers) {
            while (!(answer == null ? producer.completeNext() : producer.errorNext(answer))) {
                Thread.onSpinWait();
            }
        }
        return pass.get();
    }

    private List<String> sentEventIds() throws Exception {
        List<String> ids = new ArrayList<>();
        for (var record : producer.history()) {
            ids.add(AuditEvent.parseFrom(record.value()).getEventId());
        }
        return ids;
    }

    @Test
    void anEventAboveTheSizeLimitIsQuarantinedWithoutBlockingTheOthers() throws Exception {
        sender();

        AuditSender.Pass pass = send(List.of(event(1, 10), event(2, 2 * MAX_EVENT_BYTES), event(3, 10)), null, null);

        assertThat(pass.handledThrough()).isEqualTo(3);
        assertThat(pass.retriable()).isEmpty();
        assertThat(pass.quarantined()).isEqualTo(1);
        assertThat(sentEventIds()).containsExactly("e1", "e3");
        assertThat(quarantine.get(2).orElseThrow().reason()).contains("above router.audit.max-event-bytes (1000)");
    }

    @Test
    void anEventKafkaRefusesAsTooLargeIsQuarantinedAndTheRestDelivered() throws Exception {
        sender();

        AuditSender.Pass pass = send(
                List.of(event(1, 10), event(2, 10), event(3, 10)),
                null,
                new RecordTooLargeException("the request included a message larger than the max message size"),
                null);

        assertThat(pass.handledThrough()).isEqualTo(3);
        assertThat(pass.retriable()).isEmpty();
        assertThat(quarantine.list())
                .extracting(AuditQuarantine.Entry::sequence)
                .containsExactly(2L);
        assertThat(quarantine.get(2).orElseThrow().bytes())
                .isEqualTo(event(2, 10).bytes());
    }

    @Test
    void bytesThatAreNoAuditEventAreQuarantined() throws Exception {
        sender();
        AuditSpool.Entry garbage =
                new AuditSpool.Entry(1, "\u00ff\u00ff not protobuf".getBytes(StandardCharsets.UTF_8));

        AuditSender.Pass pass = send(List.of(garbage, event(2, 10)), (RuntimeException) null);

        assertThat(pass.handledThrough()).isEqualTo(2);
        assertThat(quarantine.get(1).orElseThrow().reason()).startsWith("not an elastic.audit.v1.AuditEvent");
        assertThat(sentEventIds()).containsExactly("e2");
    }

    @Test
    void aSpoolWrittenBeforeRecordsCarriedTheirKeyIsDeliveredKeyedByTenantAfterAnUpgrade() throws Exception {
        sender();
        Path spoolDir = Files.createDirectories(dir.resolve("spool"));
        // As routers before SpoolRecord wrote it: each event's bytes alone, framed [length][crc32c][bytes], in a
        // zero-filled segment.
        ByteBuffer segment = ByteBuffer.allocate(4096);
        for (AuditSpool.Entry old : List.of(event(1, 10), event(2, 10))) {
            CRC32C crc = new CRC32C();
            crc.update(old.bytes());
            segment.putInt(old.bytes().length).putInt((int) crc.getValue()).put(old.bytes());
        }
        Files.write(spoolDir.resolve("00000000000000000001.seg"), segment.array());
        AuditEvent keyed =
                AuditEvent.newBuilder().setEventId("e3").setTenant("u").build();

        AuditSender.Pass pass;
        try (AuditSpool spool = AuditSpool.open(spoolDir, 4096, 10)) {
            assertThat(spool.append(SpoolRecord.of(keyed).encode()).get()).isEqualTo(3);
            pass = send(spool.next(10, 1, TimeUnit.SECONDS), null, null, null);
        }

        assertThat(pass.handledThrough()).isEqualTo(3);
        assertThat(sentEventIds()).containsExactly("e1", "e2", "e3");
        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("t", "t", "u");
        assertThat(producer.history().get(2).value()).isEqualTo(keyed.toByteArray());
    }

    @Test
    void aKeyedRecordIsQuarantinedAsTheEventAloneSoThatOpsCanReadIt() throws Exception {
        sender();
        AuditEvent large = AuditEvent.parseFrom(event(1, 2 * MAX_EVENT_BYTES).bytes());

        AuditSender.Pass pass =
                send(List.of(new AuditSpool.Entry(1, SpoolRecord.of(large).encode())));

        assertThat(pass.quarantined()).isEqualTo(1);
        assertThat(quarantine.get(1).orElseThrow().bytes()).isEqualTo(large.toByteArray());
    }

    @Test
    void aFailureRetryingMayCureStopsThePassBeforeTheFailedEvent() throws Exception {
        sender();

        AuditSender.Pass pass = send(
                List.of(event(1, 10), event(2, 10), event(3, 10)), null, new NetworkException("broker gone"), null);

        // Event 3 may have reached Kafka, but it is sent again with event 2: at least once, never skipped.
        assertThat(pass.handledThrough()).isEqualTo(1);
        assertThat(pass.retriable()).containsInstanceOf(NetworkException.class);
        assertThat(quarantine.size()).isZero();
    }

    @Test
    void aSendThatFailsAtOnceStopsThePassWithoutSendingTheRest() throws Exception {
        List<ProducerRecord<String, byte[]>> sent = new ArrayList<>();
        // As KafkaProducer answers when no broker gave it metadata within max.block.ms: a future failed at once.
        MockProducer<String, byte[]> noBroker =
                new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer()) {
                    @Override
                    public synchronized Future<RecordMetadata> send(
                            ProducerRecord<String, byte[]> record, Callback callback) {
                        sent.add(record);
                        return CompletableFuture.failedFuture(new TimeoutException("audit not present in metadata"));
                    }
                };
        sender = new AuditSender(
                noBroker, new AuditQuarantine(dir), "audit", MAX_EVENT_BYTES, new ConcurrentHashMap<>());

        AuditSender.Pass pass = sender.send(List.of(event(1, 10), event(2, 10), event(3, 10)));

        assertThat(pass.handledThrough()).isZero();
        assertThat(pass.retriable()).containsInstanceOf(TimeoutException.class);
        assertThat(sent).hasSize(1);
    }

    @Test
    void onlyFailuresOfTheRecordItselfArePermanent() {
        assertThat(AuditSender.permanentFailure(new RecordTooLargeException("too large")))
                .isPresent();
        assertThat(AuditSender.permanentFailure(new TimeoutException("no broker")))
                .isEmpty();
        assertThat(AuditSender.permanentFailure(new NetworkException("disconnected")))
                .isEmpty();
        // Every record would fail alike and ops can grant the permission: retry, do not quarantine everything.
        assertThat(AuditSender.permanentFailure(new TopicAuthorizationException("denied")))
                .isEmpty();
    }
}
