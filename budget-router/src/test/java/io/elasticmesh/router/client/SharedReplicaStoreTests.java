package io.elasticmesh.router.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elasticmesh.router.DeadlineSplit.ModelSpeed;
import io.elasticmesh.router.QuotaStoreUnavailable;
import io.elasticmesh.router.ReplicaStore;
import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Replicas' heartbeats and published speeds against a real PostgreSQL ({@link RouterDatabase}). */
class SharedReplicaStoreTests {

    private static final Duration LIVE = Duration.ofHours(1);

    private static RouterDatabase database;

    @BeforeAll
    static void startPostgres() {
        database = new RouterDatabase("postgres-shared-replicas");
    }

    @AfterAll
    static void stopPostgres() {
        if (database != null) {
            database.close();
        }
    }

    private static SharedReplicaStore replica(String id, Duration ttl) {
        return new SharedReplicaStore(database.dataSource, id, ttl);
    }

    @Test
    void everyReplicaReadsTheSameSortedLiveReplicasAndALeavingOneDropsOutAtOnce() {
        SharedReplicaStore b = replica("live-b", LIVE);
        SharedReplicaStore a = replica("live-a", LIVE);
        b.heartbeat(Map.of());
        a.heartbeat(Map.of());

        assertThat(b.heartbeat(Map.of()).live()).containsSubsequence("live-a", "live-b");
        b.leave();

        assertThat(a.heartbeat(Map.of()).live()).contains("live-a").doesNotContain("live-b");
    }

    @Test
    void aReplicaNotSeenWithinTheTtlIsNotLive() throws InterruptedException {
        replica("silent", LIVE).heartbeat(Map.of());
        Thread.sleep(5);

        assertThat(replica("strict", Duration.ofMillis(1)).heartbeat(Map.of()).live())
                .doesNotContain("silent");
    }

    @Test
    void aModelsFreshestPublishedSpeedIsWhatEveryReplicaReads() {
        replica("measurer-1", LIVE).heartbeat(Map.of("published", new ModelSpeed(40, 300)));
        replica("measurer-2", LIVE).heartbeat(Map.of("published", new ModelSpeed(20, 100)));

        ReplicaStore.Heartbeat fresh = replica("newcomer", LIVE).heartbeat(Map.of());

        assertThat(fresh.speeds()).containsEntry("published", new ModelSpeed(20, 100));
    }

    @Test
    void anUnreachableStoreIsUnavailable() {
        SharedReplicaStore cut = new SharedReplicaStore(RouterDatabase.nowhere(), "r", LIVE);

        assertThatThrownBy(() -> cut.heartbeat(Map.of()))
                .isInstanceOfSatisfying(
                        QuotaStoreUnavailable.class, e -> assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE))
                .hasMessageStartingWith("the shared store (router.shared.jdbc-url) is unreachable: ");
        assertThatThrownBy(cut::leave).isInstanceOf(QuotaStoreUnavailable.class);
    }
}
