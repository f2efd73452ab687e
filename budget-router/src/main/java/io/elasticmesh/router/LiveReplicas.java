package io.elasticmesh.router;

import java.util.List;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * This router's share of every capacity ({@link CapacitySplit}), from the live replicas the replicas' store last
 * listed (those whose heartbeat is younger than the TTL). Each replica computes its own share from the same sorted
 * list, so once all have read it the shares sum to each capacity; they read it every heartbeat, so a replica that
 * joins or leaves changes every share within one heartbeat interval.
 *
 * <p>While the store cannot be reached the last list stays in force. Once it is older than the TTL, a tier that
 * fails open ({@link QuotaStoreOutage#FAIL_OPEN}) takes the whole capacity, as a router alone would (the other
 * replicas may be gone); one that fails closed keeps the last share, so the replicas never admit more together
 * than they did.
 */
public final class LiveReplicas implements CapacityShare {

    private record View(int rank, int replicas, long seenAtNanos) {}

    private final String self;
    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private volatile View view;

    /**
     * @param self this replica's id
     * @param live the live replicas as first read, with or without this one
     */
    public LiveReplicas(String self, List<String> live, long ttlNanos, LongSupplier nanoClock) {
        this.self = self;
        this.ttlNanos = ttlNanos;
        this.nanoClock = nanoClock;
        seen(live);
    }

    /** The store listed {@code live} (this replica included, as its heartbeat just wrote it) now. */
    public void seen(List<String> live) {
        TreeSet<String> sorted = new TreeSet<>(live);
        sorted.add(self);
        view = new View(sorted.headSet(self).size(), sorted.size(), nanoClock.getAsLong());
    }

    /** Live replicas as last listed, this one included. */
    public int replicas() {
        return view.replicas();
    }

    @Override
    public int of(int capacity, QuotaStoreOutage outage) {
        View current = view;
        if (outage == QuotaStoreOutage.FAIL_OPEN && nanoClock.getAsLong() - current.seenAtNanos() > ttlNanos) {
            return capacity;
        }
        return CapacitySplit.share(capacity, current.rank(), current.replicas());
    }
}
