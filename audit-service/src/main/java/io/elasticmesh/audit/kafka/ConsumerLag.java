package io.elasticmesh.audit.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.common.Metric;

/**
 * {@code elastic_audit_kafka_lag}: audit events on the topic that audit-service has not consumed yet, summed over
 * the partitions it reads, as its Kafka consumer last measured them (NaN before the consumer has fetched).
 */
@ApplicationScoped
public class ConsumerLag {

    static final String CHANNEL = "audit-events";

    private final KafkaClientService kafka;

    public ConsumerLag(KafkaClientService kafka) {
        this.kafka = kafka;
    }

    void register(@Observes StartupEvent startup, MeterRegistry registry) {
        Gauge.builder("elastic.audit.kafka.lag", this, ConsumerLag::records)
                .description("Audit events published but not yet consumed by audit-service")
                .tag("topic", "elastic.audit.events.v1")
                .register(registry);
    }

    double records() {
        KafkaConsumer<Object, Object> consumer = kafka.getConsumer(CHANNEL);
        if (consumer == null) {
            return Double.NaN;
        }
        double lag = Double.NaN;
        for (Metric metric : consumer.unwrap().metrics().values()) {
            if (metric.metricName().name().equals("records-lag")
                    && metric.metricName().tags().containsKey("partition")
                    && metric.metricValue() instanceof Double partitionLag
                    && !partitionLag.isNaN()) {
                lag = (Double.isNaN(lag) ? 0 : lag) + partitionLag;
            }
        }
        return lag;
    }
}
