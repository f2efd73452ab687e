package io.elasticmesh.router;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Tenants' token-rate quotas, counted on actual usage: a token bucket per tenant holding at most a minute of
 * tokens and refilled continuously at {@code tokens-per-minute}. A request is admitted while the bucket is not
 * empty, and charged what it really used when it ends, so the bucket may go below zero; the tenant then waits
 * until the refill has paid the debt. The rate is read from the tenant at each call, so a reload applies at once.
 * This router's alone: with several replicas, each gives the tenant the whole rate ({@link LeasedQuotas} shares it).
 */
public final class TokenQuotas implements Quotas {

    private static final double NANOS_PER_MINUTE = 60e9;

    private final Map<String, Bucket> buckets = new HashMap<>();

    private static final class Bucket {
        double tokens;
        long refilledNanos;

        Bucket(double tokens, long nowNanos) {
            this.tokens = tokens;
            this.refilledNanos = nowNanos;
        }
    }

    /** @throws AdmissionRefused with QUOTA_EXHAUSTED when the tenant's bucket is empty */
    public synchronized void check(Tenant tenant, long nowNanos) {
        Bucket bucket = refill(tenant, nowNanos);
        if (bucket.tokens <= 0) {
            throw AdmissionRefused.quotaExhausted(tenant, bucket.tokens);
        }
    }

    /** Decided at once: the bucket is this router's. */
    @Override
    public CompletionStage<Void> admit(Tenant tenant, Tier tier, long nowNanos, long latestNanos) {
        try {
            check(tenant, nowNanos);
            return CompletableFuture.completedFuture(null);
        } catch (AdmissionRefused refused) {
            return CompletableFuture.failedFuture(refused);
        }
    }

    @Override
    public synchronized void charge(Tenant tenant, long tokens, long nowNanos) {
        refill(tenant, nowNanos).tokens -= tokens;
    }

    /** Tokens left in the tenant's bucket now (negative while in debt). */
    @Override
    public synchronized double remaining(Tenant tenant, long nowNanos) {
        return refill(tenant, nowNanos).tokens;
    }

    private Bucket refill(Tenant tenant, long nowNanos) {
        Bucket bucket = buckets.computeIfAbsent(tenant.name(), n -> new Bucket(tenant.tokensPerMinute(), nowNanos));
        double earned = (nowNanos - bucket.refilledNanos) * tenant.tokensPerMinute() / NANOS_PER_MINUTE;
        bucket.tokens = Math.min(tenant.tokensPerMinute(), bucket.tokens + earned);
        bucket.refilledNanos = nowNanos;
        return bucket;
    }
}
