package io.elasticmesh.router.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.elasticmesh.router.QuotaStore;
import io.elasticmesh.router.QuotaStoreUnavailable;
import io.elasticmesh.router.Tenant;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Router replicas' lease clients against a real PostgreSQL ({@link RouterDatabase}). The Quarkus wiring
 * (datasource, Flyway at start-up, leased quotas chosen) runs in every IT: local-stack's mesh turns it on.
 */
class SharedQuotaStoreTests {

    private static final Duration LIVE = Duration.ofHours(1);

    private static RouterDatabase database;

    @BeforeAll
    static void startPostgres() {
        database = new RouterDatabase("postgres-shared-quotas");
    }

    @AfterAll
    static void stopPostgres() {
        if (database != null) {
            database.close();
        }
    }

    private SharedQuotaStore replica(String id, Duration ttl) {
        return new SharedQuotaStore(database.dataSource, id, ttl);
    }

    private static Tenant tenant(String name, long tokensPerMinute) {
        return new Tenant(name, Set.of("standard"), "standard", tokensPerMinute);
    }

    @Test
    void concurrentLeasesOfThreeReplicasNeverGrantMoreThanTheBucketAndItsRefill() throws Exception {
        Tenant tenant = tenant("concurrent", 6000);
        long slice = 300;
        List<SharedQuotaStore> replicas = IntStream.range(0, 3)
                .mapToObj(i -> replica("concurrent-" + i, LIVE))
                .toList();
        ExecutorService threads = Executors.newFixedThreadPool(replicas.size());
        long start = System.nanoTime();
        List<Future<Long>> granted;
        try {
            // Each replica spends every slice it gets, and leases 40 times: 6 times the bucket is asked for.
            granted = threads.invokeAll(replicas.stream()
                    .map(store -> (Callable<Long>) () -> {
                        long total = 0;
                        long last = 0;
                        for (int i = 0; i < 40; i++) {
                            last = store.lease(tenant, slice, last).tokens();
                            total += last;
                        }
                        return total;
                    })
                    .toList());
        } finally {
            threads.shutdown();
        }
        double refillBound = (System.nanoTime() - start) / 60e9 * tenant.tokensPerMinute();
        long total = 0;
        for (Future<Long> replicaGranted : granted) {
            total += replicaGranted.get();
        }

        assertThat((double) total)
                .as("the whole minute was handed out, and never a token twice")
                .isBetween(tenant.tokensPerMinute() - 1.0, tenant.tokensPerMinute() + refillBound);
    }

    @Test
    void theTokensOfAnExpiredLeaseReturnToTheBucket() {
        // 1 token a minute: the refill cannot account for a second token within the test.
        Tenant crashed = tenant("crashed", 1);
        assertThat(replica("dying", Duration.ZERO).lease(crashed, 1, 0).tokens())
                .isEqualTo(1);

        assertThat(replica("survivor", LIVE).lease(crashed, 1, 0).tokens()).isEqualTo(1);
    }

    @Test
    void theTokensOfALiveLeaseStayWithItsReplica() {
        Tenant held = tenant("held", 1);
        assertThat(replica("holder", LIVE).lease(held, 1, 0).tokens()).isEqualTo(1);

        QuotaStore.Grant other = replica("other", LIVE).lease(held, 1, 0);

        assertThat(other.tokens()).isZero();
        assertThat(other.bucketTokens()).isLessThan(1);
    }

    @Test
    void aReplicasDebtIsChargedToTheBucketAtItsNextLease() {
        Tenant indebted = tenant("indebted", 10);
        SharedQuotaStore replica = replica("spender", LIVE);
        assertThat(replica.lease(indebted, 10, 0).tokens()).isEqualTo(10);

        QuotaStore.Grant next = replica.lease(indebted, 10, 15);

        assertThat(next.tokens()).isZero();
        assertThat(next.bucketTokens()).isCloseTo(-5, within(0.1));
    }

    @Test
    void anUnreachableStoreIsUnavailable() {
        assertThatThrownBy(
                        () -> new SharedQuotaStore(RouterDatabase.nowhere(), "r", LIVE).lease(tenant("any", 10), 1, 0))
                .isInstanceOfSatisfying(
                        QuotaStoreUnavailable.class, e -> assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE))
                .hasMessageStartingWith("the shared quota store (router.shared.jdbc-url) is unreachable: ");
    }
}
