package io.elasticmesh.local.quarkus;

import io.elasticmesh.local.EmbeddedKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;

/** A real Kafka broker inside the test JVM, for a service's {@code @QuarkusTest}. */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedKafka kafka;

    @Override
    public Map<String, String> start() {
        kafka = EmbeddedKafka.start(Path.of("target", "kafka").toAbsolutePath(), 0);
        return Map.of("kafka.bootstrap.servers", kafka.bootstrapServers());
    }

    @Override
    public void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }
}
