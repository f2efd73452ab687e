package io.elasticmesh.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/** A real single-node Kafka broker (KRaft, broker and controller in one) inside this JVM, on loopback only. */
public final class EmbeddedKafka implements AutoCloseable {

    private final Properties props;
    private final int port;
    private KafkaRaftServer server;

    private EmbeddedKafka(Properties props, int port) {
        this.props = props;
        this.port = port;
        resume();
    }

    /** Wipes and formats {@code dataDir}, then starts the broker on {@code port} (0 picks a free one). */
    public static EmbeddedKafka start(Path dataDir, int port) {
        int brokerPort = port == 0 ? Ports.free() : port;
        int controllerPort = Ports.free();
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dataDir.resolve("kraft").toString());
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "true");
        // The audit topic's size limit (k8s/base/kafka.yaml sets the same on the topic): an 8 MiB event and its
        // framing, compressed (README, "Sizes").
        props.put("message.max.bytes", "8454144");
        try {
            // Each start is a fresh cluster: the controller port changes, so old metadata would not match.
            Directories.deleteRecursively(dataDir);
            Files.createDirectories(dataDir);
            Path config = dataDir.resolve("server.properties");
            try (var out = Files.newOutputStream(config)) {
                props.store(out, "elastic-mesh embedded broker");
            }
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            int status = StorageTool.execute(
                    new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()},
                    new PrintStream(log, true, StandardCharsets.UTF_8));
            if (status != 0) {
                throw new IllegalStateException("kafka storage format failed: " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("kafka storage format failed", e);
        }
        return new EmbeddedKafka(props, brokerPort);
    }

    /** Starts the broker again after {@link #stop()}, on the same port and data: what was committed is still there. */
    public synchronized void resume() {
        if (server == null) {
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
        }
    }

    /** Shuts the broker down cleanly; clients see it unreachable until {@link #resume()}. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        stop();
    }
}
