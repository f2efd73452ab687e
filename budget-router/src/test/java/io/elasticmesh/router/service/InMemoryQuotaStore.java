package io.elasticmesh.router.service;

import io.elasticmesh.router.QuotaStore;
import io.elasticmesh.router.QuotaStoreUnavailable;
import io.elasticmesh.router.SharedBucket;
import io.elasticmesh.router.Tenant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The shared quota store of one replica in memory, with the real bucket arithmetic; unreachable on demand. */
final class InMemoryQuotaStore implements QuotaStore {

    volatile boolean reachable = true;
    /** Leases wait until this opens: a store that answers too slowly. */
    volatile CountDownLatch answering = new CountDownLatch(0);
    /** The {@code used} of every lease, as reported. */
    final List<Long> reportedUsed = new CopyOnWriteArrayList<>();

    private final Map<String, SharedBucket> buckets = new HashMap<>();
    private final Map<String, Long> leased = new HashMap<>();

    @Override
    public Grant lease(Tenant tenant, long slice, long used) {
        try {
            answering.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuotaStoreUnavailable("the lease was interrupted");
        }
        return leaseNow(tenant, slice, used);
    }

    private synchronized Grant leaseNow(Tenant tenant, long slice, long used) {
        if (!reachable) {
            throw new QuotaStoreUnavailable(
                    "the shared quota store (router.shared.jdbc-url) is unreachable: Connection refused");
        }
        long now = TimeUnit.NANOSECONDS.toMicros(System.nanoTime());
        SharedBucket.Lease lease = buckets.computeIfAbsent(
                        tenant.name(), name -> SharedBucket.full(tenant.tokensPerMinute(), now))
                .lease(tenant.tokensPerMinute(), now, leased.getOrDefault(tenant.name(), 0L), used, slice);
        buckets.put(tenant.name(), lease.bucket());
        leased.put(tenant.name(), lease.granted());
        reportedUsed.add(used);
        return new Grant(lease.granted(), lease.bucket().tokens());
    }

    long totalReportedUsed() {
        return reportedUsed.stream().mapToLong(Long::longValue).sum();
    }
}
