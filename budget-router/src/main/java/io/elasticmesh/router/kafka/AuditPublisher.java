package io.elasticmesh.router.kafka;

import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.telemetry.KafkaTraceContext;
import io.opentelemetry.context.Context;
import io.elasticmesh.router.config.RouterConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Delivers audit events to Kafka without losing any. The request path only appends the event to the local
 * {@link AuditSpool} (fsynced) and waits for that at most {@code router.audit.max-block}; one sender thread feeds
 * Kafka from the spool in order, with an idempotent producer and {@code acks=all}, keyed by tenant, and
 * acknowledges in the spool only what the broker acknowledged. While Kafka is unreachable the spool grows; when it
 * returns the sender replays from the first unacknowledged event.
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

    private final AuditSpool spool;
    private final KafkaProducer<String, byte[]> producer;
    private final RouterConfig.Audit config;
    private final Timer publishTime;
    private final Thread sender;
    private volatile boolean running = true;
    /**
     * The trace each spooled event was published in, so the Kafka record carries it (W3C traceparent) and the
     * audit consume joins the request's trace. Memory only and bounded: after a restart, or past the bound while
     * Kafka is down, events are still delivered, outside any trace.
     */
    private final Map<String, Context> traceContexts = new ConcurrentHashMap<>();

    public AuditPublisher(RouterConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
            MeterRegistry metrics) {
        this.config = config.audit();
        Timer sync = Timer.builder("elastic.audit.spool.sync")
                .description("Time the spool's disk takes to write and fsync a group of audit events")
                .publishPercentiles(0.5, 0.99).register(metrics);
        this.spool = AuditSpool.open(this.config.spoolDir(), this.config.segmentBytes(), this.config.queueCapacity(),
                nanos -> sync.record(nanos, TimeUnit.NANOSECONDS));
        int timeoutMs = (int) this.config.sendTimeout().toMillis();
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs + 5),
                new StringSerializer(), new ByteArraySerializer());
        this.publishTime = Timer.builder("elastic.audit.publish")
                .description("Time the request path spends handing an audit event to the durable spool")
                .publishPercentiles(0.5, 0.99).register(metrics);
        Gauge.builder("elastic.audit.spool.depth", spool, AuditSpool::backlog)
                .description("Audit events on disk not yet acknowledged by Kafka").register(metrics);
        this.sender = new Thread(this::sendLoop, "audit-kafka-sender");
        this.sender.setDaemon(true);
        this.sender.start();
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
            spool.append(event.toByteArray()).get(config.maxBlock().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.warnf("audit event %s of request %s not yet on disk after %s; the request goes on without waiting",
                    event.getEventId(), event.getResponse().getRequestId(), config.maxBlock());
        } catch (ExecutionException e) {
            LOG.errorf(e.getCause(), "audit event %s of request %s could not be spooled", event.getEventId(),
                    event.getResponse().getRequestId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            publishTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private void sendLoop() {
        boolean reachable = true;
        while (running) {
            try {
                List<AuditSpool.Entry> batch = spool.next(BATCH, 1, TimeUnit.SECONDS);
                if (batch.isEmpty()) {
                    continue;
                }
                send(batch);
                spool.acknowledge(batch.get(batch.size() - 1).sequence());
                if (!reachable) {
                    LOG.infof("Kafka reachable again; audit events delivered up to spool record %d",
                            batch.get(batch.size() - 1).sequence());
                    reachable = true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (reachable) {
                    LOG.warnf("audit events not delivered (%s); they stay in the spool (%s) and are retried every %s",
                            e.getMessage(), config.spoolDir(), config.retryBackoff());
                    reachable = false;
                }
                spool.rewind();
                pause();
            }
        }
    }

    private void send(List<AuditSpool.Entry> batch) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
        List<String> eventIds = new ArrayList<>(batch.size());
        for (AuditSpool.Entry entry : batch) {
            AuditEvent event = AuditEvent.parseFrom(entry.bytes());
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(config.topic(), event.getTenant(),
                    entry.bytes());
            Context trace = traceContexts.get(event.getEventId());
            if (trace != null) {
                KafkaTraceContext.inject(trace, record.headers());
            }
            eventIds.add(event.getEventId());
            acks.add(producer.send(record));
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get();
        }
        eventIds.forEach(traceContexts::remove);
    }

    private void pause() {
        try {
            Thread.sleep(config.retryBackoff().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        sender.interrupt();
        try {
            sender.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
        spool.close();
    }
}
