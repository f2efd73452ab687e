package io.elasticmesh.router;

import io.elasticmesh.router.DeadlineSplit.ModelSpeed;
import java.util.List;
import java.util.Map;

/**
 * Where router replicas tell each other they are live and what speed they measured per model; PostgreSQL in
 * production, the database of the quotas ({@link QuotaStore}).
 */
public interface ReplicaStore {

    /**
     * Marks this replica live now, publishes the speeds it measured itself, and reads back the replicas seen within
     * the TTL and the freshest published speed of every model.
     *
     * @throws QuotaStoreUnavailable when the store cannot be reached
     */
    Heartbeat heartbeat(Map<String, ModelSpeed> measured);

    /** Removes this replica at once, so the others take over its share without waiting for the TTL. */
    void leave();

    /**
     * @param live ids of the live replicas, this one included
     * @param speeds per model, the speed some replica published last
     */
    record Heartbeat(List<String> live, Map<String, ModelSpeed> speeds) {}
}
