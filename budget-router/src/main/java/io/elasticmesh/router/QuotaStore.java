package io.elasticmesh.router;

/** Where replicas lease slices of tenants' shared buckets ({@link SharedBucket}); PostgreSQL in production. */
public interface QuotaStore {

    /**
     * Settles this replica's previous lease of the tenant's bucket, charging {@code used} tokens, and leases the next
     * slice, held until the lease expires or the next call.
     *
     * @throws QuotaStoreUnavailable when the store cannot be reached
     */
    Grant lease(Tenant tenant, long slice, long used);

    /**
     * @param tokens whole tokens leased, at most the slice; 0 when the bucket is empty
     * @param bucketTokens what the bucket kept after the grant (negative while in debt), to tell when it refills
     */
    record Grant(long tokens, double bucketTokens) {}
}
