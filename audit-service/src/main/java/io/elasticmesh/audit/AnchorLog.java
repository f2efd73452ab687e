package io.elasticmesh.audit;

import java.util.List;
import java.util.Map;

/** Where signed chain heads are kept, outside the database (Kafka: {@code kafka.KafkaAnchorLog}). */
public interface AnchorLog {

    /**
     * Returns once every anchor is durably kept.
     *
     * @throws io.grpc.StatusRuntimeException UNAVAILABLE when they could not be
     */
    void publish(List<ChainAnchor> anchors);

    /**
     * The newest anchor (highest position) of each tenant among those signed with {@code key}; anchors with any
     * other signature are skipped, so nobody without the key can add one.
     *
     * @throws io.grpc.StatusRuntimeException UNAVAILABLE when the anchors cannot be read
     */
    Map<String, ChainAnchor> newest(String key);
}
