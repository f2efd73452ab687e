package io.elasticmesh.router.outbox;

import io.elasticmesh.edge.DomainException;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.router.config.RouterConfig;
import io.grpc.Status;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.ExponentialBackoff;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Delivers audit events to Kafka without losing any. The request path only appends the event to the local
 * {@link AuditSpool} (fsynced) and waits for that at most {@code router.audit.max-block}; one sender thread feeds
 * Kafka from the spool in order, with an idempotent producer and {@code acks=all}, keyed by tenant (each
 * {@link SpoolRecord} carries its key and event id, so delivery never parses an event), and
 * acknowledges in the spool only what the broker acknowledged. While Kafka is unreachable the spool grows; when it
 * returns the sender replays from the first unacknowledged event. A record that can never be delivered (larger
 * than {@code router.audit.max-event-bytes}, refused by Kafka as too large, not an audit event) is moved to the
 * {@link AuditQuarantine} ({@code <spool-dir>/quarantine}), logged and counted in
 * {@code elastic_audit_quarantine_depth}, so it holds up no other event; ops list and replay it through RouterAdmin.
 *
 * <p>Guarantees: an event is durable once {@code publish} returned without a logged error; it reaches Kafka at least
 * once, in spool order; it reaches Kafka twice only when the router stopped between the broker's acknowledgement
 * and the spool's, and audit-service stores it once by event id.
 */
@ApplicationScoped
@Startup
public class AuditPublisher {

    private static final Logger LOG = Logger.getLogger(AuditPublisher.class);
    private static final int BATCH = 500;
    private static final int MAX_TRACED_EVENTS = 10_000;
    private static final long DRAIN_POLL_MILLIS = 50;

    /** Room for the key, headers and batch framing around the largest event in one produce request, bytes. */
    static final int RECORD_OVERHEAD_BYTES = 64 << 10;

    private final AuditSpool spool;
    private final KafkaProducer<String, byte[]> producer;
    private final AuditQuarantine quarantine;
    private final AuditSender sender;
    private final RouterConfig.Audit config;
    private final Timer publishTime;
    private final Thread senderThread;
    private volatile boolean running = true;
    /**
     * The trace each spooled event was published in, so the Kafka record carries it (W3C traceparent) and the
     * audit consume joins the request's trace. Memory only and bounded: after a restart, or past the bound while
     * Kafka is down, events are still delivered, outside any trace.
     */
    private final Map<String, Context> traceContexts = new ConcurrentHashMap<>();

    public AuditPublisher(
            RouterConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
            MeterRegistry metrics) {
        this.config = config.audit();
        Timer sync = Timer.builder("elastic.audit.spool.sync")
                .description("Time the spool's disk takes to write and fsync a group of audit events")
                .publishPercentiles(0.5, 0.99)
                .register(metrics);
        this.spool = AuditSpool.open(
                this.config.spoolDir(),
                this.config.segmentBytes(),
                this.config.queueCapacity(),
                nanos -> sync.record(nanos, TimeUnit.NANOSECONDS));
        int timeoutMs = (int) this.config.sendTimeout().toMillis();
        // Sizes end to end (README, "Sizes"): the producer checks a record's uncompressed size against
        // max.request.size, the broker the compressed batch against the topic's max.message.bytes.
        this.producer = new KafkaProducer<>(
                Map.ofEntries(
                        Map.entry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                        Map.entry(ProducerConfig.ACKS_CONFIG, "all"),
                        Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                        Map.entry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5),
                        Map.entry(ProducerConfig.LINGER_MS_CONFIG, 5),
                        Map.entry(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs),
                        Map.entry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs),
                        Map.entry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs + 5),
                        Map.entry(
                                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                                this.config.maxEventBytes() + RECORD_OVERHEAD_BYTES),
                        // Text compresses well; lz4 is fast and falls back to pure Java where its native code cannot
                        // load.
                        Map.entry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")),
                new StringSerializer(),
                new ByteArraySerializer());
        this.publishTime = Timer.builder("elastic.audit.publish")
                .description("Time the request path spends handing an audit event to the durable spool")
                .publishPercentiles(0.5, 0.99)
                .register(metrics);
        Gauge.builder("elastic.audit.spool.depth", spool, AuditSpool::backlog)
                .description("Audit events on disk not yet acknowledged by Kafka")
                .register(metrics);
        this.quarantine = new AuditQuarantine(this.config.spoolDir().resolve("quarantine"));
        Gauge.builder("elastic.audit.quarantine.depth", quarantine, AuditQuarantine::size)
                .description("Audit events that can never be delivered, waiting in quarantine for ops")
                .register(metrics);
        this.sender =
                new AuditSender(producer, quarantine, this.config.topic(), this.config.maxEventBytes(), traceContexts);
        this.senderThread = new Thread(this::sendLoop, "audit-kafka-sender");
        this.senderThread.setDaemon(true);
        this.senderThread.start();
    }

    /**
     * Makes the event durable in the spool, waiting at most {@code router.audit.max-block}; never throws. Past the
     * bound the event is still written, but a crash before that would lose it, so that is logged.
     */
    public void publish(AuditEvent event) {
        long start = System.nanoTime();
        if (traceContexts.size() < MAX_TRACED_EVENTS) {
            traceContexts.put(event.getEventId(), Context.current());
        }
        try {
            spool.append(SpoolRecord.of(event).encode()).get(config.maxBlock().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.warnf(
                    "audit event %s of request %s not yet on disk after %s; the request goes on without waiting",
                    event.getEventId(), event.getResponse().getRequestId(), config.maxBlock());
        } catch (ExecutionException e) {
            LOG.errorf(
                    e.getCause(),
                    "audit event %s of request %s could not be spooled",
                    event.getEventId(),
                    event.getResponse().getRequestId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            publishTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private void sendLoop() {
        // Retriable failures (Kafka down, a leader moving) back off exponentially with jitter, from retry-backoff up
        // to retry-backoff-max, and start again from retry-backoff after the next success.
        ExponentialBackoff backoff = new ExponentialBackoff(
                config.retryBackoff().toMillis(),
                2,
                Math.max(
                        config.retryBackoff().toMillis(),
                        config.retryBackoffMax().toMillis()),
                0.2);
        int failures = 0;
        while (running) {
            Exception failure;
            try {
                List<AuditSpool.Entry> batch = spool.next(BATCH, 1, TimeUnit.SECONDS);
                if (batch.isEmpty()) {
                    continue;
                }
                AuditSender.Pass pass = sender.send(batch);
                if (pass.handledThrough() > 0) {
                    spool.acknowledge(pass.handledThrough());
                }
                if (pass.retriable().isEmpty()) {
                    if (failures > 0) {
                        LOG.infof(
                                "Kafka reachable again; audit events delivered up to spool record %d",
                                pass.handledThrough());
                        failures = 0;
                    }
                    continue;
                }
                failure = pass.retriable().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                failure = e;
            }
            if (failures == 0) {
                LOG.warnf(
                        "audit events not delivered (%s); they stay in the spool (%s) and are retried, first after "
                                + "%s, then less often, up to every %s",
                        failure.getMessage(), config.spoolDir(), config.retryBackoff(), config.retryBackoffMax());
            }
            spool.rewind();
            pause(backoff.backoff(failures++));
        }
    }

    /** Every quarantined event of this replica, oldest first. */
    public List<AuditQuarantine.Entry> quarantined() {
        return quarantine.list();
    }

    /**
     * Puts a quarantined event back at the end of the spool, and out of the quarantine once it is on disk. It is
     * spooled as kept, the event's bytes alone, which the spool reads as it reads the first format.
     *
     * @return its new spool sequence
     * @throws DomainException NOT_FOUND when no event is quarantined under {@code sequence}
     */
    public long replay(long sequence) throws InterruptedException {
        AuditQuarantine.Entry entry = quarantine
                .get(sequence)
                .orElseThrow(() -> new DomainException(
                        Status.Code.NOT_FOUND, "no quarantined audit event has spool_sequence " + sequence));
        long replayed;
        try {
            replayed = spool.append(entry.bytes()).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot put quarantined audit event " + sequence + " back into the spool: "
                            + e.getCause().getMessage(),
                    e.getCause());
        }
        quarantine.remove(sequence);
        LOG.infof("quarantined audit event (spool record %d) replayed as spool record %d", sequence, replayed);
        return replayed;
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until Kafka has acknowledged every spooled event, at most {@code timeout}. Run when the router stops,
     * after the requests in flight have finished, so that a replica removed for good (a scale-down) leaves nothing
     * behind while Kafka is reachable.
     *
     * @return the events still in the spool, 0 when drained; the next router to open this spool delivers them
     */
    public long drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long left = spool.backlog();
        while (left > 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(DRAIN_POLL_MILLIS);
            left = spool.backlog();
        }
        return left;
    }

    @PreDestroy
    void stop() {
        try {
            long left = drain(config.drainTimeout());
            if (left > 0) {
                LOG.warnf(
                        "stopping with %d audit events not acknowledged by Kafka after router.audit.drain-timeout "
                                + "(%s); they stay in %s and the next router that opens it delivers them",
                        left, config.drainTimeout(), config.spoolDir());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running = false;
        senderThread.interrupt();
        try {
            senderThread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
        spool.close();
    }
}
