package io.elasticmesh.router;

/** The part of a model-server capacity this router may use; the whole of it when the router runs alone. */
@FunctionalInterface
public interface CapacityShare {

    /** A router that shares its capacity with no other replica. */
    CapacityShare WHOLE = (capacity, outage) -> capacity;

    /**
     * @param capacity a capacity of the whole mesh: the tier's {@code max-concurrent-requests} or the file's
     * @param outage the {@code quota-store-outage} of the request's tier, which decides while the replicas' store is
     *     unreachable
     * @return this router's slots of it, from 0 to {@code capacity}
     */
    int of(int capacity, QuotaStoreOutage outage);
}
