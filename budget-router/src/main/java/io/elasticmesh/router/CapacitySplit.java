package io.elasticmesh.router;

/**
 * How router replicas split a capacity of the model servers (a tier's {@code max-concurrent-requests}, or the file's
 * across tiers) so that together they never admit more than it: each live replica, ranked by its sorted replica id,
 * takes the floor of capacity over replicas, and the first {@code capacity % replicas} ranks one more. The shares sum
 * to the capacity exactly. With fewer slots than replicas the last ranks get none and refuse the tier's requests
 * (the README asks ops to size every capacity at least as large as the replica count).
 */
public final class CapacitySplit {

    private CapacitySplit() {}

    /**
     * @param capacity slots to split; 0 or more
     * @param rank this replica's place among the live ones, 0 to {@code replicas - 1}
     * @param replicas live replicas, at least 1
     */
    public static int share(int capacity, int rank, int replicas) {
        if (replicas < 1 || rank < 0 || rank >= replicas || capacity < 0) {
            throw new IllegalArgumentException(
                    "rank " + rank + " of " + replicas + " replicas, capacity " + capacity + ": out of range");
        }
        return capacity / replicas + (rank < capacity % replicas ? 1 : 0);
    }
}
