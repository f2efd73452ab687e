package io.elasticmesh.audit.kafka;

import io.elasticmesh.audit.EventRecord;
import io.elasticmesh.audit.Redactor;
import io.elasticmesh.audit.config.AuditConfig;
import io.elasticmesh.audit.mapping.AuditEventMapper;
import io.elasticmesh.audit.service.ChainAppender;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.telemetry.KafkaTraceContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Scope;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.utils.ExponentialBackoff;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Stores every audit event that arrives on the topic, redacted, in arrival order, a polled batch per database
 * transaction. The batch's offsets are committed only after this returns, i.e. after the database committed. A
 * batch the database did not store (PostgreSQL down or restarting, a failover) is retried, with exponential
 * back-off, until it is stored: the consumer stays where it is, nothing is skipped and no offset moves, readiness is
 * DOWN meanwhile (the datasource check) and liveness stays UP, since a restart would not bring the database back.
 * Events stored twice (a retried batch whose commit did reach the database, a restart before the offsets were
 * committed) are skipped by event id.
 */
@ApplicationScoped
public class AuditEventListener {

    private static final Logger LOG = Logger.getLogger(AuditEventListener.class);

    private record Received(ConsumerRecord<String, byte[]> record, AuditEvent event) {}

    private final ChainAppender store;
    private final Redactor redactor;
    private final AuditConfig.StoreRetry retry;
    /** What the ElasticMeshAuditNotStoring alert and the dashboard watch. */
    private final Counter storedEvents;

    private final Counter storeFailures;
    private volatile boolean stopping;

    public AuditEventListener(ChainAppender store, Redactor redactor, AuditConfig config, MeterRegistry metrics) {
        this.store = store;
        this.redactor = redactor;
        this.retry = config.storeRetry();
        this.storedEvents = Counter.builder("elastic.audit.events.stored")
                .description("Audit events written to PostgreSQL (redelivered ones not counted again)")
                .register(metrics);
        this.storeFailures = Counter.builder("elastic.audit.store.failures")
                .description("Attempts to store a batch of audit events that failed and are retried")
                .register(metrics);
    }

    /** Ends a retry loop at shutdown: the batch's offsets are not committed, the next consumer reads it again. */
    void stop(@Observes ShutdownEvent shutdown) {
        stopping = true;
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
                LOG.errorf(
                        "skipped record %s-%d@%d on the audit topic (%d bytes): %s",
                        record.topic(), record.partition(), record.offset(), record.value().length, e.getMessage());
            }
        }
        Set<String> stored = storeRetrying(redacted);
        storedEvents.increment(stored.size());
        if (LOG.isDebugEnabled()) {
            for (Received r : received) {
                if (stored.contains(r.event().getEventId())) {
                    // Under the record's own trace context, so the line carries its request's trace id.
                    try (Scope ignored =
                            KafkaTraceContext.extract(r.record().headers()).makeCurrent()) {
                        LOG.debugf(
                                "stored audit event %s of request %s",
                                r.event().getEventId(), r.event().getResponse().getRequestId());
                    }
                }
            }
        }
    }

    private Set<String> storeRetrying(List<EventRecord> redacted) {
        ExponentialBackoff backoff = new ExponentialBackoff(
                retry.initialBackoff().toMillis(),
                2,
                Math.max(retry.initialBackoff().toMillis(), retry.maxBackoff().toMillis()),
                0.2);
        for (int failures = 0; ; failures++) {
            try {
                Set<String> stored = store.appendAll(redacted);
                if (failures > 0) {
                    LOG.infof(
                            "audit store reachable again: a batch of %d events stored after %d failed attempts",
                            redacted.size(), failures);
                }
                return stored;
            } catch (RuntimeException e) {
                storeFailures.increment();
                if (stopping) {
                    throw e;
                }
                long pauseMs = backoff.backoff(failures);
                if (failures % 10 == 0) {
                    LOG.warnf(
                            "a batch of %d audit events was not stored (attempt %d: %s); retrying until the "
                                    + "database takes it, next in %d ms (its offsets stay uncommitted)",
                            redacted.size(), failures + 1, e.getMessage(), pauseMs);
                }
                try {
                    Thread.sleep(pauseMs);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
