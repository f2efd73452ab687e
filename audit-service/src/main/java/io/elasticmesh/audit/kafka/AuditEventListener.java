package io.elasticmesh.audit.kafka;

import io.elasticmesh.audit.mapping.AuditEventMapper;
import io.elasticmesh.audit.service.AuditStore;
import io.elasticmesh.audit.service.EventRecord;
import io.elasticmesh.audit.service.Redactor;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.telemetry.KafkaTraceContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Scope;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Stores every audit event that arrives on the topic, redacted, in arrival order, a polled batch per database
 * transaction. The batch's offsets are committed only after this returns, i.e. after the database committed; a
 * failure to store stops the channel (readiness goes DOWN) rather than skip an event, and a restart consumes from
 * the last committed offset again. Events stored twice that way are skipped by event id.
 */
@ApplicationScoped
public class AuditEventListener {

    private static final Logger LOG = Logger.getLogger(AuditEventListener.class);

    private record Received(ConsumerRecord<String, byte[]> record, AuditEvent event) {
    }

    private final AuditStore store;
    private final Redactor redactor;
    /** What the ElasticMeshAuditNotStoring alert and the dashboard watch. */
    private final Counter storedEvents;

    public AuditEventListener(AuditStore store, Redactor redactor, MeterRegistry metrics) {
        this.store = store;
        this.redactor = redactor;
        this.storedEvents = Counter.builder("elastic.audit.events.stored")
                .description("Audit events written to PostgreSQL (redelivered ones not counted again)")
                .register(metrics);
    }

    @Incoming("audit-events")
    @Blocking(ordered = true)
    public void receive(ConsumerRecords<String, byte[]> records) {
        List<Received> received = new ArrayList<>(records.count());
        List<EventRecord> redacted = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                AuditEvent event = AuditEventMapper.parse(record.value());
                received.add(new Received(record, event));
                redacted.add(AuditEventMapper.toRecord(AuditEventMapper.redacted(event, redactor)));
            } catch (IllegalArgumentException e) {
                // Not an audit event: there is nothing to keep, and retrying cannot change that.
                LOG.errorf("skipped record %s-%d@%d on the audit topic (%d bytes): %s", record.topic(),
                        record.partition(), record.offset(), record.value().length, e.getMessage());
            }
        }
        Set<String> stored = store.appendAll(redacted);
        storedEvents.increment(stored.size());
        if (LOG.isDebugEnabled()) {
            for (Received r : received) {
                if (stored.contains(r.event().getEventId())) {
                    // Under the record's own trace context, so the line carries its request's trace id.
                    try (Scope ignored = KafkaTraceContext.extract(r.record().headers()).makeCurrent()) {
                        LOG.debugf("stored audit event %s of request %s", r.event().getEventId(),
                                r.event().getResponse().getRequestId());
                    }
                }
            }
        }
    }
}
