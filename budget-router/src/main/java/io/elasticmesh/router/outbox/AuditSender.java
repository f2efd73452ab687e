package io.elasticmesh.router.outbox;

import com.google.protobuf.InvalidProtocolBufferException;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.telemetry.KafkaTraceContext;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.jboss.logging.Logger;

/**
 * Sends a batch of spool records to Kafka, in order, and sorts out what happened to each: delivered (the broker
 * acknowledged it), quarantined (it can never be delivered: retrying would only block the records behind it), or
 * not yet delivered (a failure that retrying may cure, e.g. the broker is down; it and everything after it are sent
 * again later).
 */
final class AuditSender {

    private static final Logger LOG = Logger.getLogger(AuditSender.class);

    /**
     * What one pass achieved.
     *
     * @param handledThrough the spool sequence up to which every record was delivered or quarantined (0: none); the
     *        spool may be acknowledged up to it
     * @param retriable the first failure retrying may cure, after which nothing was handled; empty when the whole
     *        batch was handled
     */
    record Pass(long handledThrough, int quarantined, Optional<Exception> retriable) {}

    /** A record on its way: either sent (with the broker's answer to come) or refused before sending. */
    private record Attempt(AuditSpool.Entry entry, SpoolRecord record, Future<RecordMetadata> ack, String refusal) {}

    private final Producer<String, byte[]> producer;
    private final AuditQuarantine quarantine;
    private final String topic;
    private final int maxEventBytes;
    private final Map<String, Context> traceContexts;

    /**
     * @param maxEventBytes records larger than this are quarantined without asking Kafka
     * @param traceContexts the trace each event was published in, by event id; delivered and quarantined events are
     *        removed from it
     */
    AuditSender(
            Producer<String, byte[]> producer,
            AuditQuarantine quarantine,
            String topic,
            int maxEventBytes,
            Map<String, Context> traceContexts) {
        this.producer = producer;
        this.quarantine = quarantine;
        this.topic = topic;
        this.maxEventBytes = maxEventBytes;
        this.traceContexts = traceContexts;
    }

    Pass send(List<AuditSpool.Entry> batch) throws InterruptedException {
        List<Attempt> attempts = new ArrayList<>(batch.size());
        for (AuditSpool.Entry entry : batch) {
            Attempt attempt = attempt(entry);
            attempts.add(attempt);
            if (failedRetriably(attempt.ack())) {
                // Kafka already said no (e.g. no metadata within max.block.ms): each further send would wait as long.
                break;
            }
        }
        long handled = 0;
        int quarantined = 0;
        for (Attempt attempt : attempts) {
            Optional<String> refusal = Optional.ofNullable(attempt.refusal());
            if (refusal.isEmpty()) {
                try {
                    attempt.ack().get();
                } catch (ExecutionException e) {
                    refusal = permanentFailure(e.getCause());
                    if (refusal.isEmpty()) {
                        return new Pass(
                                handled, quarantined, Optional.of(e.getCause() instanceof Exception cause ? cause : e));
                    }
                }
            }
            if (refusal.isPresent()) {
                quarantine(attempt, refusal.get());
                quarantined++;
            }
            if (attempt.record() != null) {
                traceContexts.remove(attempt.record().eventId());
            }
            handled = attempt.entry().sequence();
        }
        return new Pass(handled, quarantined, Optional.empty());
    }

    private Attempt attempt(AuditSpool.Entry entry) {
        SpoolRecord spooled;
        try {
            spooled = SpoolRecord.decode(entry.bytes());
        } catch (IllegalArgumentException e) {
            return new Attempt(entry, null, null, e.getMessage());
        }
        if (spooled.event().length > maxEventBytes) {
            return new Attempt(
                    entry,
                    spooled,
                    null,
                    spooled.event().length + " bytes, above router.audit.max-event-bytes (" + maxEventBytes + ")");
        }
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, spooled.key(), spooled.event());
        Context trace = traceContexts.get(spooled.eventId());
        if (trace != null) {
            KafkaTraceContext.inject(trace, record.headers());
        }
        return new Attempt(entry, spooled, producer.send(record), null);
    }

    private static boolean failedRetriably(Future<RecordMetadata> ack) {
        if (ack == null || !ack.isDone()) {
            return false;
        }
        try {
            ack.get();
            return false;
        } catch (ExecutionException e) {
            return permanentFailure(e.getCause()).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /**
     * Why a record can never be delivered, or empty when retrying may cure the failure. Only failures of the record
     * itself count: a broker, topic or permission problem is retried, since it holds up every record alike and is
     * fixed outside the router.
     */
    static Optional<String> permanentFailure(Throwable failure) {
        if (failure instanceof RecordTooLargeException
                || failure instanceof RecordBatchTooLargeException
                || failure instanceof InvalidRecordException
                || failure instanceof SerializationException) {
            return Optional.of("refused by Kafka: " + failure);
        }
        return Optional.empty();
    }

    private void quarantine(Attempt attempt, String reason) {
        AuditSpool.Entry entry = attempt.entry();
        SpoolRecord record = attempt.record();
        // The event's own bytes, as ops read them and as the spool reads them back on replay.
        byte[] bytes = record == null ? entry.bytes() : record.event();
        quarantine.put(entry.sequence(), bytes, reason);
        LOG.errorf(
                "audit event %s of request %s (tenant %s, %d bytes, spool record %d) can never be delivered: %s; "
                        + "quarantined in %s, to be replayed with RouterAdmin/ReplayQuarantinedAuditEvent once the cause is "
                        + "fixed",
                record == null ? "?" : record.eventId(),
                record == null ? "?" : requestId(record.event()),
                record == null ? "?" : record.key(),
                bytes.length,
                entry.sequence(),
                reason,
                quarantine.dir());
    }

    /** Parsed only here, for ops: delivery itself never parses an event. */
    private static String requestId(byte[] event) {
        try {
            return AuditEvent.parseFrom(event).getResponse().getRequestId();
        } catch (InvalidProtocolBufferException e) {
            return "?";
        }
    }
}
