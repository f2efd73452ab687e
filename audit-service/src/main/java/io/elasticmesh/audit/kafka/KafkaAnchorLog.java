package io.elasticmesh.audit.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.elasticmesh.audit.AnchorLog;
import io.elasticmesh.audit.ChainAnchor;
import io.elasticmesh.audit.config.AuditConfig;
import io.elasticmesh.audit.mapping.AuditEventMapper;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Chain anchors on a Kafka topic, key = tenant, value = a serialized {@code elastic.audit.v1.ChainAnchor}. Reading
 * takes the topic from its start to the end it had when asked, on every partition, so a reader needs no group.
 */
@ApplicationScoped
public class KafkaAnchorLog implements AnchorLog {

    private static final Logger LOG = Logger.getLogger(KafkaAnchorLog.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final String topic;
    private KafkaProducer<String, byte[]> producer;

    public KafkaAnchorLog(
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, AuditConfig config) {
        this.bootstrapServers = bootstrapServers;
        this.topic = config.anchors().topic();
    }

    @Override
    public synchronized void publish(List<ChainAnchor> anchors) {
        if (anchors.isEmpty()) {
            return;
        }
        try {
            if (producer == null) {
                producer = new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrapServers,
                                ProducerConfig.ACKS_CONFIG,
                                "all",
                                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                                true,
                                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                                (int) TIMEOUT.toMillis(),
                                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                                (int) TIMEOUT.toMillis() / 3,
                                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                                (int) TIMEOUT.toMillis()),
                        new StringSerializer(),
                        new ByteArraySerializer());
            }
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (ChainAnchor anchor : anchors) {
                byte[] value = AuditEventMapper.toProto(anchor).toByteArray();
                sent.add(producer.send(new ProducerRecord<>(topic, anchor.tenant(), value)));
            }
            for (Future<RecordMetadata> ack : sent) {
                ack.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw unavailable("cannot publish chain anchors to " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted publishing chain anchors to " + topic, e);
        }
    }

    @Override
    public Map<String, ChainAnchor> newest(String key) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                false,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) TIMEOUT.toMillis());
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, TIMEOUT);
            Map<String, ChainAnchor> newest = new HashMap<>();
            if (partitions == null || partitions.isEmpty()) {
                return newest;
            }
            List<TopicPartition> assigned = partitions.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (assigned.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw unavailable(
                            "cannot read the chain anchors of " + topic + " to their end within " + TIMEOUT, null);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    keep(newest, record, key);
                }
            }
            return newest;
        } catch (KafkaException e) {
            throw unavailable("cannot read the chain anchors of " + topic, e);
        }
    }

    private static void keep(Map<String, ChainAnchor> newest, ConsumerRecord<String, byte[]> record, String key) {
        ChainAnchor anchor;
        try {
            anchor = AuditEventMapper.toAnchor(record.value());
        } catch (InvalidProtocolBufferException e) {
            LOG.errorf(
                    "skipped record %s-%d@%d: not a chain anchor", record.topic(), record.partition(), record.offset());
            return;
        }
        if (!anchor.signedWith(key) || !anchor.tenant().equals(record.key())) {
            LOG.errorf(
                    "skipped record %s-%d@%d: an anchor of tenant '%s' not signed with the chain key",
                    record.topic(), record.partition(), record.offset(), anchor.tenant());
            return;
        }
        newest.merge(anchor.tenant(), anchor, (kept, later) -> later.position() > kept.position() ? later : kept);
    }

    private static StatusRuntimeException unavailable(String message, Exception cause) {
        return Status.UNAVAILABLE
                .withDescription(message + (cause == null ? "" : ": " + cause.getMessage()))
                .withCause(cause)
                .asRuntimeException();
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
