package io.elasticmesh.router;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Tenants' quotas shared by every router replica: each replica leases slices of the tenant's {@link SharedBucket}
 * from the {@link QuotaStore} and admits from its slice, so the request path stays in memory. A slice down to half
 * is renewed in the background; only an empty one makes a request wait for a lease. Every lease settles what the
 * replica charged since the previous one, so debt carries over as with one router ({@link TokenQuotas}).
 *
 * <p>While the store cannot be reached, a request that finds its tenant's slice empty follows its tier's
 * {@link QuotaStoreOutage}: admitted (its use is charged when the store answers again) or refused UNAVAILABLE. For
 * {@code storeRetryNanos} after a failure no request waits on the store; the background renewals keep trying. A
 * store that answers too slowly is the same outage for the request that waits: the wait ends when the request must
 * start to meet its deadline, and the lease goes on for the requests after it.
 */
public final class LeasedQuotas implements Quotas {

    private final QuotaStore store;
    private final double sliceFraction;
    private final long storeRetryNanos;
    private final Executor blocking;
    private final LongSupplier nanoClock;
    private final Map<String, Slice> slices = new ConcurrentHashMap<>();
    private volatile boolean storeDown;
    private volatile long storeDownSinceNanos;

    /** One tenant's slice on this replica; its fields are guarded by the slice itself. */
    private static final class Slice {
        /** Serialises leases of the tenant, so that each charge is reported once. */
        final Object leasing = new Object();

        Tenant tenant;
        long granted;
        long used;
        double bucketTokens;
        boolean renewing;

        Slice(Tenant tenant) {
            this.tenant = tenant;
        }

        long left() {
            return granted - used;
        }
    }

    /**
     * @param sliceFraction share of a tenant's tokens per minute leased at a time ({@link SharedBucket#slice})
     * @param storeRetryNanos how long after a failed lease requests decide without the store
     * @param blocking runs the store's blocking calls
     */
    public LeasedQuotas(
            QuotaStore store, double sliceFraction, long storeRetryNanos, Executor blocking, LongSupplier nanoClock) {
        if (!(sliceFraction > 0 && sliceFraction <= 1)) {
            throw new IllegalArgumentException(
                    "router.shared.quota-slice-fraction must be above 0 and at most 1, was " + sliceFraction);
        }
        this.store = store;
        this.sliceFraction = sliceFraction;
        this.storeRetryNanos = storeRetryNanos;
        this.blocking = blocking;
        this.nanoClock = nanoClock;
    }

    @Override
    public CompletionStage<Void> admit(Tenant tenant, Tier tier, long nowNanos, long latestNanos) {
        Slice slice = slice(tenant);
        synchronized (slice) {
            if (slice.left() > 0) {
                if (2 * slice.left() <= sliceOf(tenant) && !slice.renewing) {
                    slice.renewing = true;
                    blocking.execute(() -> renewQuietly(slice));
                }
                return CompletableFuture.completedFuture(null);
            }
        }
        if (storeDown && nowNanos - storeDownSinceNanos < storeRetryNanos) {
            return outage(tenant, tier, "is unreachable");
        }
        return CompletableFuture.supplyAsync(
                        () -> {
                            synchronized (slice.leasing) {
                                // A request that waited for another's lease may find tokens now.
                                if (left(slice) <= 0) {
                                    renew(slice);
                                }
                            }
                            return null;
                        },
                        blocking)
                .orTimeout(Math.max(1, latestNanos - nowNanos), TimeUnit.NANOSECONDS)
                .handle((ignored, failure) -> failure)
                .thenCompose(failure -> {
                    Throwable cause = failure instanceof CompletionException wrapped ? wrapped.getCause() : failure;
                    if (cause instanceof QuotaStoreUnavailable) {
                        return outage(tenant, tier, "is unreachable");
                    }
                    if (cause instanceof TimeoutException) {
                        return outage(
                                tenant,
                                tier,
                                "did not answer within the " + TimeUnit.NANOSECONDS.toMillis(latestNanos - nowNanos)
                                        + " ms the request's deadline left to wait");
                    }
                    if (cause != null) {
                        return CompletableFuture.failedFuture(cause);
                    }
                    synchronized (slice) {
                        return slice.left() > 0
                                ? CompletableFuture.completedFuture(null)
                                : CompletableFuture.failedFuture(
                                        AdmissionRefused.quotaExhausted(tenant, slice.bucketTokens));
                    }
                });
    }

    @Override
    public void charge(Tenant tenant, long tokens, long nowNanos) {
        Slice slice = slice(tenant);
        synchronized (slice) {
            slice.used += tokens;
        }
    }

    /**
     * The tenant's shared bucket as this replica last leased from it, plus what is left of its slice: negative while
     * the tenant is in debt. Other replicas' slices and use since are not in it; a tenant this replica never leased
     * for shows its tokens per minute.
     */
    @Override
    public double remaining(Tenant tenant, long nowNanos) {
        Slice slice = slices.get(tenant.name());
        if (slice == null) {
            return tenant.tokensPerMinute(); // never leased here: as the store starts it, full
        }
        synchronized (slice) {
            return slice.bucketTokens + slice.left();
        }
    }

    /**
     * Settles and renews every slice this replica holds, so that live leases do not expire and charges reach the
     * shared bucket; a store that cannot be reached is tried again at the next call.
     */
    public void renewAll() {
        slices.values().forEach(this::renewQuietly);
    }

    /** Whether the last lease failed because the store could not be reached. */
    public boolean storeDown() {
        return storeDown;
    }

    /** @param how what the store did, after "the shared quota store (router.shared.jdbc-url)" */
    private CompletionStage<Void> outage(Tenant tenant, Tier tier, String how) {
        if (tier.quotaStoreOutage() == QuotaStoreOutage.FAIL_OPEN) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.failedFuture(new QuotaStoreUnavailable("tenant '" + tenant.name()
                + "' has no quota tokens left on this router and the shared quota store (router.shared.jdbc-url) "
                + how + "; tier '" + tier.name() + "' fails closed (quota-store-outage: "
                + tier.quotaStoreOutage().configName() + ")"));
    }

    private void renewQuietly(Slice slice) {
        try {
            synchronized (slice.leasing) {
                renew(slice);
            }
        } catch (QuotaStoreUnavailable unreachable) {
            // Recorded in storeDown; the request path decides by its tiers' outage policy.
        } finally {
            synchronized (slice) {
                slice.renewing = false;
            }
        }
    }

    /** Called holding {@code slice.leasing}. */
    private void renew(Slice slice) {
        Tenant tenant;
        long used;
        synchronized (slice) {
            tenant = slice.tenant;
            used = slice.used;
        }
        QuotaStore.Grant grant;
        try {
            grant = store.lease(tenant, sliceOf(tenant), used);
        } catch (QuotaStoreUnavailable unreachable) {
            storeDownSinceNanos = nanoClock.getAsLong();
            storeDown = true;
            throw unreachable;
        }
        storeDown = false;
        synchronized (slice) {
            slice.used -= used;
            slice.granted = grant.tokens();
            slice.bucketTokens = grant.bucketTokens();
        }
    }

    private Slice slice(Tenant tenant) {
        Slice slice = slices.computeIfAbsent(tenant.name(), name -> new Slice(tenant));
        synchronized (slice) {
            // The newest tier file's rate: a reload applies at the next lease.
            slice.tenant = tenant;
        }
        return slice;
    }

    private static long left(Slice slice) {
        synchronized (slice) {
            return slice.left();
        }
    }

    private long sliceOf(Tenant tenant) {
        return SharedBucket.slice(tenant.tokensPerMinute(), sliceFraction);
    }
}
